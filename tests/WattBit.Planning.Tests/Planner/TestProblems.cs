using WattBit.Areas;
using WattBit.Planning.Model;
using WattBit.Signals;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Tests.Planner;

/// <summary>Small hand-made planning problems whose optimum can be worked out on paper.</summary>
internal static class TestProblems
{
    public static readonly DateTimeOffset Start = new(2026, 4, 1, 0, 0, 0, Jst.Offset);

    public static TimeSeries Hourly(int steps, Func<int, double> value, SeriesUnit? unit = null) =>
        TimeSeries.Wrap(Start, TimeSpan.FromHours(1), Enumerable.Range(0, steps).Select(value).ToArray(), unit ?? SeriesUnit.Megawatts);

    public static SignalSet Signal(SignalKind kind, int steps, params (string Area, Func<int, double> Value)[] areas) =>
        new(kind, areas.Select(a => new KeyValuePair<string, TimeSeries>(a.Area, Hourly(steps, a.Value))));

    public static DcSite Site(string id, GridArea area, double itMw, GridConnection connection, int gpus = 10_000, double pue = 1.0,
        Battery? battery = null, double baseMw = 0, GeoPoint? location = null, string? region = null, OnSiteGenerator? generator = null) =>
        new(new Site(new SiteId(id), id, area, Power.FromMegawatts(itMw), pue, location ?? new GeoPoint(35.7, 139.7)), gpus, connection,
            battery: battery, baseLoad: Power.FromMegawatts(baseMw), region: region, generator: generator);

    public static GridConnection Firm(double mw) => GridConnection.FirmOf(Power.FromMegawatts(mw));

    public static BatchWork Batch(string id, double mw, int releaseH, int deadlineH, double hours, bool interruptible = true,
        string? home = null, IReadOnlyList<string>? locations = null, int gpus = 0) =>
        new(id, "op", Start.AddHours(releaseH), Start.AddHours(deadlineH), TimeSpan.FromHours(hours), Power.FromMegawatts(mw),
            interruptible, gpus, locations, home);

    public static PlanningProblem Problem(IReadOnlyList<DcSite> sites, IReadOnlyList<Workload> work, int steps,
        Func<int, double> price, Func<int, double>? carbon = null, PlanningCosts? costs = null, double confidence = 0.9,
        IReadOnlyDictionary<string, Func<int, double>>? pricePerArea = null, SignalSet? surplus = null)
    {
        var areas = sites.Select(s => s.Site.Area.Code).Distinct().ToArray();
        var priceSet = Signal(SignalKind.Price, steps, [.. areas.Select(a => (a, pricePerArea?.GetValueOrDefault(a) ?? price))]);
        var carbonSet = Signal(SignalKind.Carbon, steps, [.. areas.Select(a => (a, carbon ?? (_ => 0.0)))]);
        return new PlanningProblem(Start, steps, sites, new Network(sites), work, carbonSet, priceSet, surplus,
            costs ?? new PlanningCosts(CarbonPriceYenPerTonne: 0, BatteryCycleYenPerMwh: 0), confidence);
    }
}
