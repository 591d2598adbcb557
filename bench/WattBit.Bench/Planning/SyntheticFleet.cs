using WattBit.Areas;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Signals;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Bench.Planning;

/// <summary>
/// Reproducible synthetic fleets for the planning benchmarks: sites spread over five TSO areas with a mix of firm,
/// provisional and flexible connections and batteries on half of them; area signals with daily shapes (solar dip in
/// Kyushu); batch, training and backup jobs with random windows.
/// </summary>
public static class SyntheticFleet
{
    public static readonly DateTimeOffset Start = new(2026, 4, 15, 0, 0, 0, Jst.Offset);

    private static readonly GridArea[] Areas = [JapanAreas.Tokyo, JapanAreas.Kyushu, JapanAreas.Hokkaido, JapanAreas.Kansai, JapanAreas.Tohoku];

    private static readonly (double Lat, double Lon)[] Centres = [(35.8, 140.0), (33.6, 130.6), (43.1, 141.4), (34.7, 135.5), (38.3, 140.9)];

    public static PlanningProblem Problem(int siteCount, int steps, int jobCount, int seed = 42)
    {
        var rng = new Random(seed);
        var sites = new List<DcSite>(siteCount);
        for (var i = 0; i < siteCount; i++)
        {
            var a = i % Areas.Length;
            var it = 20 + (rng.NextDouble() * 60);
            var pue = 1.15 + (rng.NextDouble() * 0.25);
            var baseMw = it * (0.1 + (rng.NextDouble() * 0.2));
            var floor = baseMw * pue;
            var limit = floor + (it - baseMw) * pue * (0.4 + (rng.NextDouble() * 0.5));
            GridConnection conn = (i % 3) switch
            {
                0 => GridConnection.FirmOf(Power.FromMegawatts(limit)),
                1 => GridConnection.ProvisionalOf(Enumerable.Range(0, 24).Select(h => floor + ((limit - floor) * (h is >= 8 and < 18 ? 0.6 : 1.0))).ToArray()),
                _ => GridConnection.FlexibleOf(new QuantileSeries(
                    Series(steps, t => floor + ((limit - floor) * (0.8 + (0.2 * Math.Sin(t / 3.0))))),
                    [new(0.1, Series(steps, t => floor + ((limit - floor) * (0.6 + (0.2 * Math.Sin(t / 3.0))))))])),
            };
            Battery? battery = i % 2 == 0 ? new Battery(Energy.FromMegawattHours(it * 0.5), Power.FromMegawatts(it * 0.25)) : null;
            var (lat, lon) = Centres[a];
            var site = new Site(new SiteId("dc" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture)), "dc" + i, Areas[a],
                Power.FromMegawatts(it), pue, new GeoPoint(lat + (rng.NextDouble() - 0.5), lon + (rng.NextDouble() - 0.5)));
            sites.Add(new DcSite(site, (int)(it * 600), conn, battery: battery, baseLoad: Power.FromMegawatts(baseMw)));
        }

        var work = new List<Workload>(jobCount);
        for (var j = 0; j < jobCount; j++)
        {
            var home = sites[rng.Next(siteCount)];
            var release = rng.Next(0, steps - 2);
            var deadline = Math.Min(steps, release + 2 + rng.Next(0, 30));
            var window = deadline - release;
            var hours = Math.Max(0.5, Math.Round(rng.NextDouble() * window * 0.8 * 4) / 4);
            string[] locations = rng.Next(5) < 2 ? [home.Site.Area.Code] : [];
            var kind = rng.Next(10);
            var id = "job" + j;
            var r = Start.AddHours(release);
            var d = Start.AddHours(deadline);
            work.Add(kind switch
            {
                < 2 => new TrainingJob(id, "op" + (j % 7), 64 * rng.Next(1, 16), Power.FromKilowatts(1.0), r, d, TimeSpan.FromHours(hours),
                    rng.Next(100, 4000), true, TimeSpan.FromMinutes(10), locations, home.Id.Value),
                < 9 => new BatchWork(id, "op" + (j % 7), r, d, TimeSpan.FromHours(hours), Power.FromKilowatts(50 + rng.Next(0, 1000)),
                    rng.Next(10) < 7, 0, locations, home.Id.Value, rng.Next(0, 200)),
                _ => new BackupTransfer(id, "op" + (j % 7), home.Id.Value, sites[rng.Next(siteCount)].Id.Value, 1000 + rng.Next(0, 30_000),
                    40, Power.FromKilowatts(100), r, d.AddHours(Math.Ceiling((31_000 * 8.0 / 40 / 3600) + 1))),
            });
        }

        var carbon = new SignalSet(SignalKind.Carbon, Areas.Select((a, k) => new KeyValuePair<string, TimeSeries>(a.Code,
            Series(steps, t => Solar(a, t) ? 150 + (k * 20) : 420 + (k * 25) + (40 * Math.Sin((t % 24) / 24.0 * Math.Tau))))));
        var price = new SignalSet(SignalKind.Price, Areas.Select((a, k) => new KeyValuePair<string, TimeSeries>(a.Code,
            Series(steps, t => Solar(a, t) ? 2 + k : 10 + k + (6 * Math.Max(0, Math.Sin(((t % 24) - 6) / 24.0 * Math.Tau)))))));
        var surplus = new SignalSet(SignalKind.Curtailment, Areas.Select(a => new KeyValuePair<string, TimeSeries>(a.Code,
            Series(steps, t => Solar(a, t) ? 300 : 0))));
        return new PlanningProblem(Start, steps, sites, new Network(sites), work, carbon, price, surplus);
    }

    /// <summary>A fleet state of <paramref name="siteCount"/> sites, each running a mix of workloads, and a curtailment of one of them.</summary>
    public static (FleetState Fleet, CurtailmentOrder Order) Fleet(int siteCount, int seed = 7)
    {
        var rng = new Random(seed);
        var sites = new List<SiteState>(siteCount);
        var dcSites = new List<DcSite>(siteCount);
        for (var i = 0; i < siteCount; i++)
        {
            var a = i % Areas.Length;
            var (lat, lon) = Centres[a];
            var battery = i % 2 == 0 ? new Battery(Energy.FromMegawattHours(10), Power.FromMegawatts(5)) : null;
            var site = new DcSite(new Site(new SiteId("dc" + i), "dc" + i, Areas[a], Power.FromMegawatts(40), 1.3,
                new GeoPoint(lat + (rng.NextDouble() - 0.5), lon + (rng.NextDouble() - 0.5))), 20_000,
                GridConnection.FirmOf(Power.FromMegawatts(50)), battery: battery, baseLoad: Power.FromMegawatts(5));
            dcSites.Add(site);
            sites.Add(new SiteState(site, Power.FromMegawatts(50), battery?.InitialEnergy ?? Energy.Zero, Power.Zero, rng.Next(5_000, 20_000)));
        }

        var running = new List<RunningWorkload>();
        for (var i = 0; i < siteCount; i++)
        {
            var here = dcSites[i].Id;
            var region = Enumerable.Range(0, 30).Select(_ => dcSites[rng.Next(siteCount)].Id).Append(here).Distinct().ToArray();
            running.Add(new RunningWorkload("train" + i, WorkloadKind.Training, "op", here, Power.FromMegawatts(8), 8000, 1, true,
                TimeSpan.FromMinutes(10), 2000, TimeSpan.FromMinutes(2), region, Start.AddHours(40), TimeSpan.FromHours(30)));
            running.Add(new RunningWorkload("batch" + i, WorkloadKind.Batch, "op", here, Power.FromMegawatts(4), 0, 1, true,
                TimeSpan.Zero, 10, TimeSpan.FromMinutes(1), region, Start.AddHours(6), TimeSpan.FromHours(5)));
            running.Add(new RunningWorkload("svc" + i, WorkloadKind.Inference, "op", here, Power.FromKilowatts(10 * 400), 8 * 400, 400, false,
                TimeSpan.Zero, 0, TimeSpan.FromMinutes(3), region, RequestsPerUnit: 40));
        }

        var fleet = new FleetState(Start.AddHours(12), sites, running, new Network(dcSites));
        return (fleet, new CurtailmentOrder(fleet.Now, dcSites[0].Id, Power.FromMegawatts(20), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)));
    }

    private static bool Solar(GridArea area, int t) => area.Code == "KY" && (t % 24) is >= 10 and < 15;

    private static TimeSeries Series(int steps, Func<int, double> f) =>
        TimeSeries.Wrap(Start, TimeSpan.FromHours(1), Enumerable.Range(0, steps).Select(f).ToArray(), SeriesUnit.Megawatts);
}
