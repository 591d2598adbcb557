using System.Collections.Concurrent;
using WattBit.Areas;
using WattBit.Data.Reference;
using WattBit.Data.Storage;
using WattBit.Forecasting;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Server.Signals;

/// <summary>
/// The signals the server serves: carbon (gCO2/kWh), price (JPY/kWh) and curtailment (MWh per slot) per area on a 30-min
/// grid. Base data is the synthetic reference year of the fiscal year that contains "now"; values a grid operator has
/// published (stored under source <c>published</c>) replace it slot by slot. Thread-safe.
/// </summary>
internal sealed class SignalCatalog
{
    public const string PublishedSource = "published";
    public static readonly TimeSpan Step = ReferenceYear.Step;

    private readonly ConcurrentDictionary<int, Lazy<Dictionary<SignalKind, SignalSet>>> _years = new();
    private readonly ConcurrentDictionary<string, byte> _published = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, SignalKind, long), ProbabilisticForecast> _forecasts = new();
    private readonly IWattBitStore _store;
    private readonly TimeProvider _time;
    private readonly int _seed;
    private readonly bool _shared;

    private SignalCatalog(IWattBitStore store, TimeProvider time, ServerOptions options)
    {
        _store = store;
        _time = time;
        _seed = options.Seed;
        _shared = store is IStoreNotifications;
        Writes = new Infrastructure.SeriesGroupCommit(store, options.GroupCommit);
        Published = new PublishedSeriesCache(store, time, options.ReadCacheMaxAge);
    }

    /// <summary>The read cache of published series (signals, node headroom), emptied by every publication here or elsewhere.</summary>
    public PublishedSeriesCache Published { get; }

    /// <summary>The group commit every published series (signals, node headroom) is written through.</summary>
    public Infrastructure.SeriesGroupCommit Writes { get; }

    /// <summary>Opens the catalog over a store, noting which areas have published values.</summary>
    public static async Task<SignalCatalog> CreateAsync(IWattBitStore store, TimeProvider time, ServerOptions options, CancellationToken ct = default)
    {
        var catalog = new SignalCatalog(store, time, options);
        foreach (var info in await store.ListSeriesAsync(ct).ConfigureAwait(false))
        {
            if (info.Key.Source == PublishedSource)
            {
                catalog._published[info.Key.Location + "/" + info.Key.Metric] = 0;
            }
        }

        return catalog;
    }

    /// <summary>Generates the reference years the server will use first (the fiscal year of now), so the first request is fast.</summary>
    public void Warm() => Year(FiscalYearOf(Now));

    public static IReadOnlyList<SignalKind> Served { get; } = [SignalKind.Carbon, SignalKind.Price, SignalKind.Curtailment];

    public DateTimeOffset Now => _time.GetUtcNow();

    public static int FiscalYearOf(DateTimeOffset t) => ReferenceYear.FiscalYearOf(t);

    public static string MetricOf(SignalKind kind) => kind switch
    {
        SignalKind.Carbon => "carbon",
        SignalKind.Price => "price",
        SignalKind.Curtailment => "curtailment",
        _ => throw new ArgumentException($"The server has no {kind} area signal.", nameof(kind)),
    };

    public static bool TryParseKind(string text, out SignalKind kind)
    {
        foreach (var k in Served)
        {
            if (string.Equals(MetricOf(k), text, StringComparison.Ordinal))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }

    public static SeriesUnit UnitOf(SignalKind kind) => kind switch
    {
        SignalKind.Carbon => SeriesUnit.GramsPerKilowattHour,
        SignalKind.Price => SeriesUnit.YenPerKilowattHour,
        _ => SeriesUnit.MegawattHours,
    };

    /// <summary>Floors an instant to the 30-min grid.</summary>
    public static DateTimeOffset Floor(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % Step.Ticks), TimeSpan.Zero);

    /// <summary>Ceils an instant to the 30-min grid.</summary>
    public static DateTimeOffset Ceiling(DateTimeOffset t) => Floor(t) == t ? t.ToUniversalTime() : Floor(t) + Step;

    /// <summary>
    /// The signal over <paramref name="window"/> (whole 30-min slots, inside one or two reference years); NaN where a slot
    /// has no data.
    /// </summary>
    public async Task<TimeSeries> ReadAsync(GridArea area, SignalKind kind, TimeWindow window, CancellationToken ct)
    {
        var start = Floor(window.Start);
        var end = Ceiling(window.End);
        var n = (int)((end - start).Ticks / Step.Ticks);
        var values = new double[n];
        var i = 0;
        while (i < n)
        {
            var t = start + (Step * i);
            var set = Year(FiscalYearOf(t))[kind];
            var series = set[area.Code];
            var first = (int)((t - series.Start).Ticks / Step.Ticks);
            var take = Math.Min(n - i, series.Count - first);
            series.Values.Slice(first, take).CopyTo(values.AsSpan(i, take));
            i += take;
        }

        // Shared with other instances (PostgreSQL), a series may have been published elsewhere: always look (in the read
        // cache, which their live events empty).
        if (_shared || _published.ContainsKey(area.Code + "/" + MetricOf(kind)))
        {
            var stored = await Published.ReadAsync(new SeriesKey(area.Code, MetricOf(kind), PublishedSource), new TimeWindow(start, end), ct).ConfigureAwait(false);
            if (stored is not null)
            {
                var s = stored.Values;
                for (var j = 0; j < n; j++)
                {
                    if (!double.IsNaN(s[j]))
                    {
                        values[j] = s[j];
                    }
                }
            }
        }

        return TimeSeries.Wrap(start, Step, values, UnitOf(kind), area.Code);
    }

    /// <summary>Stores published values (30-min grid) that replace the reference data slot by slot; returns the number of values stored.</summary>
    public async Task<long> PublishAsync(GridArea area, SignalKind kind, TimeSeries series, CancellationToken ct)
    {
        var key = new SeriesKey(area.Code, MetricOf(kind), PublishedSource);
        var n = await Writes.WriteAsync([new SeriesWrite(key, series)], ct).ConfigureAwait(false);
        _published[area.Code + "/" + MetricOf(kind)] = 0;
        _forecasts.Clear();
        Published.Invalidate(key, series.Window);
        return n;
    }

    /// <summary>
    /// Forgets cached forecasts and the published reads a write on another instance changed (shared mode): those of
    /// <paramref name="area"/>'s <paramref name="metric"/> over <paramref name="written"/>, or every published read when
    /// the event did not say what was written (null).
    /// </summary>
    public void PublishedElsewhere(string? area = null, string? metric = null, TimeWindow? written = null)
    {
        _forecasts.Clear();
        if (area is not null && metric is not null && written is { } w)
        {
            Published.Invalidate(new SeriesKey(area, metric, PublishedSource), w);
        }
        else
        {
            Published.Invalidate();
        }
    }

    /// <summary>
    /// A probabilistic forecast of <paramref name="steps"/> 30-min slots issued at <paramref name="origin"/> (on the grid),
    /// from WattBit's regression forecaster trained on the 56 days before the origin. Cached per origin.
    /// </summary>
    /// <exception cref="InsufficientHistoryException">Less history than the forecaster needs before the origin.</exception>
    public async Task<ProbabilisticForecast> ForecastAsync(GridArea area, SignalKind kind, DateTimeOffset origin, int steps, CancellationToken ct)
    {
        origin = Floor(origin);
        if (_forecasts.TryGetValue((area.Code, kind, origin.UtcTicks), out var cached) && cached.Steps >= steps)
        {
            return cached;
        }

        var forecaster = new RegressionForecaster();
        var history = await ReadAsync(area, kind, new TimeWindow(origin - TimeSpan.FromDays(forecaster.Options.TrainingDays + 8), origin), ct).ConfigureAwait(false);
        var forecast = forecaster.Forecast(new ForecastRequest(history, origin, Math.Max(steps, 48)));
        _forecasts[(area.Code, kind, origin.UtcTicks)] = forecast;
        return forecast;
    }

    private Dictionary<SignalKind, SignalSet> Year(int fiscalYear)
    {
        if (fiscalYear is < 2000 or > 2100)
        {
            throw new ArgumentOutOfRangeException(nameof(fiscalYear), fiscalYear, "Signals exist for fiscal years 2000-2100 only.");
        }

        return _years.GetOrAdd(fiscalYear, fy => new Lazy<Dictionary<SignalKind, SignalSet>>(() =>
        {
            var year = ReferenceYear.Generate(fy, _seed);
            return Served.ToDictionary(k => k, k => year.Signal(k));
        })).Value;
    }
}
