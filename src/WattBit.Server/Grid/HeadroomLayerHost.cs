using Microsoft.Extensions.Options;
using WattBit.Data.Reference;
using WattBit.Grid.Japan;
using WattBit.Grid.Layer;
using WattBit.Grid.Network;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;
using WattBit.Server.Signals;
using WattBit.Time;

namespace WattBit.Server.Grid;

/// <summary>
/// Holds the server's headroom layer: computed once (at the first request, or at start with <c>Warm</c>) on the Japan
/// backbone or a configured case, driven by the reference year's demand, then served as a lookup. Thread-safe.
/// </summary>
internal sealed class HeadroomLayerHost
{
    private readonly Lazy<Task<(IHeadroomLayer Layer, IReadOnlyDictionary<string, int> Buses)>> _layer;

    public HeadroomLayerHost(IOptions<ServerOptions> options, TimeProvider time)
    {
        var o = options.Value;
        _layer = new(() => Task.Run(() => Build(o, time.GetUtcNow())));
        if (o.HeadroomLayer.Warm)
        {
            _ = _layer.Value;
        }
    }

    /// <summary>The layer, computed on first use.</summary>
    public async Task<IHeadroomLayer> LayerAsync(CancellationToken ct) => (await _layer.Value.WaitAsync(ct).ConfigureAwait(false)).Layer;

    /// <summary>
    /// The node name under which a grid operator's upload (PUT /api/areas/{area}/nodes/{node}/headroom) overrides a
    /// substation: its bus number in the model; null when the substation has no area.
    /// </summary>
    public async Task<string?> UploadNodeAsync(Substation substation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(substation);
        var (_, buses) = await _layer.Value.WaitAsync(ct).ConfigureAwait(false);
        return substation.Area is not null && buses.TryGetValue(substation.Id, out var bus) ? bus.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static (IHeadroomLayer, IReadOnlyDictionary<string, int>) Build(ServerOptions options, DateTimeOffset now)
    {
        var o = options.HeadroomLayer;
        var fy = SignalCatalog.FiscalYearOf(now);
        var year = ReferenceYear.Generate(fy, options.Seed);
        var today = now.ToOffset(Jst.Offset);
        var start = new DateTimeOffset(today.Year, today.Month, today.Day, 0, 0, 0, Jst.Offset);
        var end = start.AddDays(Math.Clamp(o.Days, 1, 366));
        var window = new TimeWindow(start, end < year.Window.End ? end : year.Window.End);
        var label = $"reference year FY{fy} (seed {options.Seed})";
        if (o.Case is { } path)
        {
            // A user's case: every load follows the national demand, scaled to 1 at its mean over the window.
            var net = MatpowerCase.Load(path);
            var demand = year.TotalDemandHourly().Slice(window);
            var mean = demand.Values.ToArray().Average();
            var times = Enumerable.Range(0, demand.Count).Select(demand.TimeAt).ToArray();
            var profile = new GridProfile(times, [.. demand.Values.ToArray().Select(v => v / mean)], new double[demand.Count]);
            var nodes = ModelHeadroomLayer.BusNodes(net);
            return (ModelHeadroomLayer.Compute(net, nodes, profile, Path.GetFileName(path), synthetic: false, label + ", national demand / its mean"),
                nodes.ToDictionary(n => n.Substation.Id, n => n.BusNumber, StringComparer.Ordinal));
        }

        var model = JapanBackbone.LoadDefault();
        var areaDemand = year.TotalDemandHourly(model.Buses.Select(b => b.Area).Distinct()).Slice(window);
        return (JapanLayer.Compute(model, areaDemand, label + ", demand of the modelled areas", o.Substations),
            JapanLayer.Nodes(model).ToDictionary(n => n.Substation.Id, n => n.BusNumber, StringComparer.Ordinal));
    }
}
