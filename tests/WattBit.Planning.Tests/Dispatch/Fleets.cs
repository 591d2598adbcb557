using WattBit.Areas;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Sites;
using WattBit.Units;
using WattBit.Workloads;
using static WattBit.Planning.Tests.Planner.TestProblems;

namespace WattBit.Planning.Tests.Dispatch;

/// <summary>Small live fleets for dispatcher tests.</summary>
internal static class Fleets
{
    public static readonly DateTimeOffset Now = Start.AddHours(10);

    public static SiteState SiteState(string id, double limitMw, double itMw = 20, int gpus = 10_000, Battery? battery = null,
        double baseMw = 0, GeoPoint? location = null, double cost = 10_000, OnSiteGenerator? generator = null) =>
        new(Site(id, JapanAreas.Tokyo, itMw, Firm(limitMw), gpus, 1.0, battery, baseMw, location ?? new GeoPoint(35.70, 139.70), generator: generator),
            Power.FromMegawatts(limitMw), battery?.InitialEnergy ?? Energy.Zero, Power.Zero, cost);

    public static RunningWorkload Training(string id, string site, double mw, TimeSpan checkpoint, double stateGb, params string[] allowed) =>
        new(id, WorkloadKind.Training, "op", new SiteId(site), Power.FromMegawatts(mw), 8, 1, true, checkpoint, stateGb,
            TimeSpan.FromMinutes(1), Ids(allowed), Now.AddHours(48), TimeSpan.FromHours(40));

    public static RunningWorkload Batch(string id, string site, double mw, bool interruptible, DateTimeOffset deadline, double remainingH, params string[] allowed) =>
        new(id, WorkloadKind.Batch, "op", new SiteId(site), Power.FromMegawatts(mw), 0, 1, interruptible, TimeSpan.Zero, 0,
            TimeSpan.FromMinutes(1), Ids(allowed), deadline, TimeSpan.FromHours(remainingH));

    public static RunningWorkload Replicas(string id, string site, int n, double kwEach, TimeSpan startup, params string[] allowed) =>
        new(id, WorkloadKind.Inference, "op", new SiteId(site), Power.FromKilowatts(kwEach * n), n, n, false, TimeSpan.Zero, 0, startup,
            Ids(allowed), RequestsPerUnit: 100);

    public static FleetState Fleet(IReadOnlyList<SiteState> sites, params RunningWorkload[] running) =>
        new(Now, sites, running, new Network(sites.Select(s => s.Site).ToList()));

    public static CurtailmentOrder Curtail(string site, double mw, double noticeMin, double hours = 2) =>
        new(Now, new SiteId(site), Power.FromMegawatts(mw), TimeSpan.FromMinutes(noticeMin), TimeSpan.FromHours(hours));

    private static SiteId[] Ids(string[] ids) => Array.ConvertAll(ids, i => new SiteId(i));
}
