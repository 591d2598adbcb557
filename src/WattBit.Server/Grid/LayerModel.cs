using System.Collections.Concurrent;
using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;

namespace WattBit.Server.Grid;

/// <summary>
/// The model and hourly profile the server's headroom layer was computed from, with the engine for what-if questions
/// (built at the first question, with the layer's options, so an unchanged network gives the layer's own hours).
/// Thread-safe.
/// </summary>
internal sealed class LayerModel
{
    private readonly Lazy<HeadroomEngine> _engine;
    private readonly Func<int, string> _lineName;
    private readonly Lazy<Dictionary<string, int>> _byName;

    public LayerModel(PowerNetwork network, GridProfile profile, Func<int, string> lineName, GenerationFollowing following = GenerationFollowing.Output)
    {
        Network = network;
        Profile = profile;
        _lineName = lineName;
        _engine = new(() =>
        {
            var dc = new DcModel(network);
            return new HeadroomEngine(Sensitivities.Build(dc), new NetworkTimeSeries(dc, profile, following: following));
        });
        _byName = new(() =>
        {
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var b = 0; b < network.Branches.Length; b++)
            {
                names.TryAdd(lineName(b), b);
            }

            return names;
        });
    }

    private readonly ConcurrentDictionary<int, Lazy<PreparedBus>> _prepared = new();

    /// <summary>
    /// The bus prepared for what-if questions (its base hours and the N-1 limits its screening kept, decision 0116),
    /// computed at its first question and kept: later uprates at the bus are answered without a sweep.
    /// </summary>
    public PreparedBus Prepared(int bus) => _prepared.GetOrAdd(bus, b => new Lazy<PreparedBus>(() => HeadroomWhatIf.Prepare(Engine, b))).Value;

    /// <summary>The layer's network.</summary>
    public PowerNetwork Network { get; }

    /// <summary>The layer's hourly profile.</summary>
    public GridProfile Profile { get; }

    /// <summary>The engine on the layer's network and hours.</summary>
    public HeadroomEngine Engine => _engine.Value;

    /// <summary>The name every face shows for a branch (0-based); a new line beyond the network is "new line".</summary>
    public string LineName(int branch) => branch < 0 ? string.Empty : branch < Network.Branches.Length ? _lineName(branch) : "new line";

    /// <summary>Finds a branch by the name the layer shows for it (first match).</summary>
    public bool TryFindBranch(string name, out int branch) => _byName.Value.TryGetValue(name, out branch);
}
