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
    private readonly Func<int, WattBit.Grid.Layer.JapanLayerDrive>? _driveAt;
    private readonly ConcurrentDictionary<WattBit.Grid.Layer.JapanLayerDrive, Lazy<HeadroomEngine>> _engines = new();
    private readonly GenerationFollowing _following;
    private readonly Lazy<Sensitivities> _sensitivities;

    /// <summary>The model and hours of a layer.</summary>
    /// <param name="network">The network.</param>
    /// <param name="profile">The hourly profile (with <paramref name="driveAt"/>, the first drive's).</param>
    /// <param name="lineName">Branch names.</param>
    /// <param name="following">How the plants follow the load.</param>
    /// <param name="driveAt">Where areas follow their own demand (decision 0126): the drive whose hours are exact at a bus
    /// (0-based); null when one profile drives every bus.</param>
    public LayerModel(PowerNetwork network, GridProfile profile, Func<int, string> lineName, GenerationFollowing following = GenerationFollowing.Output,
        Func<int, WattBit.Grid.Layer.JapanLayerDrive>? driveAt = null)
    {
        Network = network;
        Profile = profile;
        _lineName = lineName;
        _driveAt = driveAt;
        _following = following;
        _sensitivities = new(() => Sensitivities.Build(new DcModel(network)));
        _engine = new(() => new HeadroomEngine(_sensitivities.Value, new NetworkTimeSeries(_sensitivities.Value.Model, profile, following: following)));
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
    public PreparedBus Prepared(int bus) => _prepared.GetOrAdd(bus, b => new Lazy<PreparedBus>(() => HeadroomWhatIf.Prepare(EngineAt(b), b))).Value;

    /// <summary>The engine whose hours are the layer's at <paramref name="bus"/> (0-based): with areas on their own demand,
    /// the one of the bus's AC island (decision 0126).</summary>
    public HeadroomEngine EngineAt(int bus)
    {
        if (_driveAt is null)
        {
            return Engine;
        }

        var drive = _driveAt(bus);
        return _engines.GetOrAdd(drive, d => new Lazy<HeadroomEngine>(() =>
            new HeadroomEngine(_sensitivities.Value, new NetworkTimeSeries(_sensitivities.Value.Model, d.Profile, d.PerBusMw, _following)))).Value;
    }

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
