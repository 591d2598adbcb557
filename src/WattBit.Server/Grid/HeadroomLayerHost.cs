using System.Globalization;
using Microsoft.Extensions.Options;
using WattBit.Areas;
using WattBit.Composition;
using WattBit.Data.Storage;
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
    private readonly Lazy<Task<(IHeadroomLayer Layer, IReadOnlyDictionary<string, int> Buses, LayerModel Model)>> _layer;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Id, DateTimeOffset Origin), Lazy<Task<LayerHeadroomForecastAnswer>>> _forecasts = new();
    private readonly ServerOptions _options;
    private long _uploads;
    private Effective? _effective;
    private int? _backboneYear;

    /// <summary>Days of the model's hours before a forecast's origin that are its history (decision 0124).</summary>
    public const int ForecastHistoryDays = BackboneHeadroomForecast.HistoryDays;

    public HeadroomLayerHost(IOptions<ServerOptions> options, TimeProvider time)
    {
        var o = options.Value;
        _options = o;
        _layer = new(() => Task.Run(() =>
        {
            var now = time.GetUtcNow();
            _backboneYear = o.HeadroomLayer.Case is null ? SignalCatalog.FiscalYearOf(now) : null;
            return Build(o, now);
        }));
        if (o.HeadroomLayer.Warm)
        {
            _ = _layer.Value;
        }
    }

    /// <summary>The welcome-zone answers of the effective layer (emptied when that layer changes), at most 64 of them.</summary>
    public WelcomeZoneCache WelcomeZones { get; } = new(64);

    /// <summary>The layer, computed on first use.</summary>
    public async Task<IHeadroomLayer> LayerAsync(CancellationToken ct) => (await _layer.Value.WaitAsync(ct).ConfigureAwait(false)).Layer;

    /// <summary>
    /// Says that a grid operator's headroom upload was stored (here, or by another instance: its <c>headroom</c> event):
    /// the next <see cref="EffectiveLayerAsync"/> lays the uploads over the model again.
    /// </summary>
    public void UploadsChanged() => Interlocked.Increment(ref _uploads);

    /// <summary>
    /// The layer every face of the server reads (substation hours, welcome zones, siting jobs): the model layer with the
    /// grid operators' uploads laid over it hour by hour (<see cref="HeadroomTable.Overlay"/>); the model layer itself
    /// when no upload names one of its substations. Built once and kept until the next upload (<see cref="UploadsChanged"/>),
    /// so a request is a lookup, not a scan of the store.
    /// </summary>
    public async Task<IHeadroomLayer> EffectiveLayerAsync(IWattBitStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        // Read the upload count before the store: an upload stored meanwhile bumps it, so a layer built from an older
        // store is never kept under the newer count.
        var uploads = Interlocked.Read(ref _uploads);
        if (Volatile.Read(ref _effective) is { } kept && kept.Uploads == uploads)
        {
            return kept.Layer;
        }

        var layer = await OverlayUploadsAsync(store, ct).ConfigureAwait(false);
        Volatile.Write(ref _effective, new Effective(uploads, layer));
        return layer;
    }

    private async Task<IHeadroomLayer> OverlayUploadsAsync(IWattBitStore store, CancellationToken ct)
    {
        var (layer, buses, _) = await _layer.Value.WaitAsync(ct).ConfigureAwait(false);
        var published = (await store.ListSeriesAsync(ct).ConfigureAwait(false))
            .Where(i => i.Key.Metric == "headroom" && i.Key.Source == SignalCatalog.PublishedSource)
            .Select(i => i.Key)
            .ToHashSet();
        if (published.Count == 0)
        {
            return layer;
        }

        var window = new TimeWindow(layer.Info.First, layer.Info.End);
        var overrides = new Dictionary<string, IReadOnlyList<HeadroomHour>>(StringComparer.Ordinal);
        foreach (var s in layer.Substations)
        {
            if (s.Area is not { } area || !buses.TryGetValue(s.Id, out var bus))
            {
                continue;
            }

            var key = Api.SignalEndpoints.HeadroomKey(area, bus.ToString(CultureInfo.InvariantCulture));
            if (!published.Contains(key) || await store.ReadSeriesAsync(key, window, ct).ConfigureAwait(false) is not { } upload)
            {
                continue;
            }

            var hours = new List<HeadroomHour>();
            for (var t = window.Start; t < window.End; t = t.AddHours(1))
            {
                if (upload.TryIndexOf(t, out var k) && !double.IsNaN(upload[k]))
                {
                    hours.Add(new HeadroomHour(t, upload[k], upload[k], null, null));
                }
            }

            if (hours.Count > 0)
            {
                overrides[s.Id] = hours;
            }
        }

        return overrides.Count == 0 ? layer : HeadroomTable.Overlay(layer, overrides);
    }

    /// <summary>
    /// True when <paramref name="node"/> is where a grid operator of <paramref name="area"/> may publish headroom: the bus
    /// number of one of the layer's substations in that area (the upload overrides that substation), or any node when the
    /// layer's model carries no areas (a user's MATPOWER case).
    /// </summary>
    public async Task<bool> IsUploadNodeAsync(GridArea area, string node, CancellationToken ct)
    {
        var (layer, buses, _) = await _layer.Value.WaitAsync(ct).ConfigureAwait(false);
        if (layer.Substations.All(s => s.Area is null))
        {
            return true;
        }

        return layer.Substations.Any(s => s.Area == area && buses.TryGetValue(s.Id, out var bus) && bus.ToString(CultureInfo.InvariantCulture) == node);
    }

    /// <summary>
    /// The node name under which a grid operator's upload (PUT /api/areas/{area}/nodes/{node}/headroom) overrides a
    /// substation: its bus number in the model; null when the substation has no area.
    /// </summary>
    public async Task<string?> UploadNodeAsync(Substation substation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(substation);
        var (_, buses, _) = await _layer.Value.WaitAsync(ct).ConfigureAwait(false);
        return substation.Area is not null && buses.TryGetValue(substation.Id, out var bus) ? bus.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// The substation of the layer a grid operator's node of <paramref name="area"/> stands for (its bus number, as
    /// <see cref="UploadNodeAsync"/> names it); null where none (another node, or a case without areas).
    /// </summary>
    public async Task<string?> SubstationOfNodeAsync(GridArea area, string node, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(area);
        ArgumentNullException.ThrowIfNull(node);
        var (layer, buses, _) = await _layer.Value.WaitAsync(ct).ConfigureAwait(false);
        return layer.Substations.FirstOrDefault(s => s.Area == area && buses.TryGetValue(s.Id, out var bus) && bus.ToString(CultureInfo.InvariantCulture) == node)?.Id;
    }

    /// <summary>The model's bus number of a substation of the layer; null when the layer has no such substation.</summary>
    public async Task<int?> BusNumberAsync(string id, CancellationToken ct)
    {
        var (_, buses, _) = await _layer.Value.WaitAsync(ct).ConfigureAwait(false);
        return id is not null && buses.TryGetValue(id, out var bus) ? bus : null;
    }

    /// <summary>The model and hours behind the layer, for what-if questions (<see cref="LayerModel"/>).</summary>
    public async Task<LayerModel> ModelAsync(CancellationToken ct) => (await _layer.Value.WaitAsync(ct).ConfigureAwait(false)).Model;

    /// <summary>
    /// The forecasting engine's P10/P50/P90 of a backbone substation's secure headroom from <paramref name="origin"/>
    /// (decision 0124): the substation's model hours of the <see cref="ForecastHistoryDays"/> days before the origin
    /// (the reference years' demand of the modelled areas, across a fiscal year's start if need be) are its history.
    /// Computed for one substation at the first question and kept (at most 256 answers). Null for a configured case
    /// (only the backbone has a reference-year history).
    /// </summary>
    /// <exception cref="UnknownSubstationException">The id is not a substation of the backbone.</exception>
    public async Task<LayerHeadroomForecastAnswer?> ForecastAsync(string id, DateTimeOffset origin, CancellationToken ct)
    {
        if (_options.HeadroomLayer.Case is not null)
        {
            return null;
        }

        if (_forecasts.Count > 256)
        {
            _forecasts.Clear();
        }

        var lazy = _forecasts.GetOrAdd((id, origin), k => new Lazy<Task<LayerHeadroomForecastAnswer>>(() => Task.Run(() => History(k.Id, k.Origin))));
        try
        {
            return await lazy.Value.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (UnknownSubstationException)
        {
            _forecasts.TryRemove((id, origin), out _);
            throw;
        }
    }

    private LayerHeadroomForecastAnswer History(string id, DateTimeOffset origin)
    {
        var forecast = new BackboneHeadroomForecast(origin, _options.Seed);
        return new LayerHeadroomForecastAnswer(forecast.For(id), forecast.History);
    }

    /// <summary>
    /// The effective layer (<see cref="EffectiveLayerAsync"/>) when it stands for the Japan backbone's layer over the
    /// reference year FY<paramref name="fiscalYear"/> with <paramref name="seed"/> for all of <paramref name="period"/>:
    /// it is the backbone's (not a configured case), was driven by that year and seed, and holds the period. Else null.
    /// </summary>
    public async Task<IHeadroomLayer?> ServedLayerForAsync(IWattBitStore store, int fiscalYear, int seed, TimeWindow period, CancellationToken ct)
    {
        var (layer, _, _) = await _layer.Value.WaitAsync(ct).ConfigureAwait(false);
        return _backboneYear == fiscalYear && seed == _options.Seed && layer.Info.First <= period.Start && layer.Info.End >= period.End
            ? await EffectiveLayerAsync(store, ct).ConfigureAwait(false)
            : null;
    }

    /// <summary>
    /// The Japan backbone's headroom layer over <paramref name="window"/> for <paramref name="substationIds"/> (all when
    /// null), composed as the server's own (<see cref="Compose"/>): the areas whose actuals cover the window on their own
    /// demand, the others on the reference year FY<paramref name="fiscalYear"/>: the layer a simulation job's grid takes
    /// when the served layer does not hold the scenario's period (<c>wattbit simulate</c> computes the same).
    /// </summary>
    internal IHeadroomLayer BackboneLayer(int fiscalYear, int seed, TimeWindow window, IReadOnlyCollection<string>? substationIds) =>
        Compose(_options, fiscalYear, seed, window, substationIds).Layer;

    /// <summary>
    /// The backbone's layer as every server face reads it (decision 0126): each area whose TSO actuals cover the window on
    /// its own demand (when <see cref="HeadroomLayerOptions.RealAreas"/> and the data are there), every other area on the
    /// reference year's demand; the label says which is which.
    /// </summary>
    private static JapanLayerComposition Compose(ServerOptions options, int fiscalYear, int seed, TimeWindow window, IReadOnlyCollection<string>? substationIds)
    {
        var o = options.HeadroomLayer;
        return WattBit.Composition.BackboneLayers.Compose(fiscalYear, seed, window, substationIds, !o.RealAreas ? null : o.RealData ?? AreaActuals.FindJapanDir());
    }

    /// <summary>The effective layer and the upload count it was built at.</summary>
    private sealed record Effective(long Uploads, IHeadroomLayer Layer);

    private static (IHeadroomLayer, IReadOnlyDictionary<string, int>, LayerModel) Build(ServerOptions options, DateTimeOffset now)
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
                nodes.ToDictionary(n => n.Substation.Id, n => n.BusNumber, StringComparer.Ordinal), new LayerModel(net, profile, b => ModelHeadroomLayer.DefaultLineName(net, b)));
        }

        var model = JapanBackbone.LoadDefault();
        var composed = Compose(options, fy, options.Seed, window, o.Substations);
        return (composed.Layer,
            JapanLayer.Nodes(model).ToDictionary(n => n.Substation.Id, n => n.BusNumber, StringComparer.Ordinal),
            new LayerModel(model.Network, composed.Drive.Profile, b => model.Branches[b].DisplayName, JapanLayer.Following, bus => composed.DriveAt(bus)));
    }
}

/// <summary>A substation's headroom forecast and what its history was.</summary>
/// <param name="Forecast">The forecast.</param>
/// <param name="History">What drove the history's hours.</param>
internal sealed record LayerHeadroomForecastAnswer(WattBit.Forecasting.LayerHeadroomForecast Forecast, string History);
