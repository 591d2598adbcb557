using FsCheck.Xunit;
using WattBit.Areas;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using static WattBit.Planning.Tests.Planner.TestProblems;

namespace WattBit.Planning.Tests.Planner;

/// <summary>Rules every plan must keep, checked on random scenarios (FsCheck draws the seeds).</summary>
public sealed class PlanPropertyTests
{
    private static readonly IPlanner[] Planners =
        [new OptimisingPlanner(TimeProvider.System, Timeout.InfiniteTimeSpan), new GreedyCarbonPlanner(TimeProvider.System), new NoShiftPlanner(TimeProvider.System)];

    internal static PlanningProblem RandomProblem(int seed)
    {
        var rng = new Random(seed);
        var steps = rng.Next(4, 25);
        GridArea[] areas = [JapanAreas.Tokyo, JapanAreas.Kyushu, JapanAreas.Hokkaido];
        var sites = new List<DcSite>();
        var siteCount = rng.Next(1, 5);
        for (var i = 0; i < siteCount; i++)
        {
            var it = 5 + (rng.NextDouble() * 20);
            var pue = 1 + (rng.NextDouble() * 0.5);
            var baseMw = rng.NextDouble() * it * 0.3;
            var floor = (baseMw * pue) + 0.5;
            GridConnection conn = rng.Next(3) switch
            {
                0 => Firm(floor + (rng.NextDouble() * 20)),
                1 => GridConnection.ProvisionalOf(Enumerable.Range(0, 24).Select(_ => floor + (rng.NextDouble() * 15)).ToArray()),
                _ => Flexible(rng, steps, floor),
            };
            Battery? battery = rng.Next(2) == 0 ? null : new Battery(Energy.FromMegawattHours(1 + (rng.NextDouble() * 10)),
                Power.FromMegawatts(0.5 + (rng.NextDouble() * 5)), 0.8 + (rng.NextDouble() * 0.2), 0.8 + (rng.NextDouble() * 0.2), 0.1, 0.9, 0.5);
            var area = areas[rng.Next(areas.Length)];
            sites.Add(new DcSite(new Site(new SiteId("s" + i), "s" + i, area, Power.FromMegawatts(it), pue,
                new GeoPoint(33 + (rng.NextDouble() * 10), 130 + (rng.NextDouble() * 11))), rng.Next(0, 5000), conn,
                battery: battery, baseLoad: Power.FromMegawatts(baseMw)));
        }

        var work = new List<Workload>();
        var jobCount = rng.Next(0, 16);
        for (var j = 0; j < jobCount; j++)
        {
            var release = rng.Next(0, steps);
            var deadline = rng.Next(release + 1, steps + 6);
            var hours = Math.Max(0.25, rng.NextDouble() * (deadline - release));
            var gpus = rng.Next(2) == 0 ? 0 : rng.Next(1, 2000);
            var home = sites[rng.Next(sites.Count)];
            if (home.Gpus < gpus || home.ItCapacity.Megawatts - home.BaseLoad.Megawatts < 0.1)
            {
                continue;
            }

            var mw = 0.1 + (rng.NextDouble() * Math.Min(5, home.ItCapacity.Megawatts - home.BaseLoad.Megawatts - 0.1));
            work.Add(new BatchWork("j" + j, "op", Start.AddHours(release), Start.AddHours(deadline), TimeSpan.FromHours(hours),
                Power.FromMegawatts(mw), rng.Next(2) == 0, gpus, rng.Next(3) == 0 ? null : [home.Id.Value], home.Id.Value, rng.NextDouble() * 100));
        }

        var prices = areas.ToDictionary(a => a.Code, a => (Func<int, double>)(t => 5 + ((a.Number * 7 + t * 13) % 17)));
        return Problem(sites, work, steps, _ => 10, t => 300 + (t * 37 % 200), new PlanningCosts(), 0.5 + (rng.NextDouble() * 0.45), prices);
    }

    private static GridConnection Flexible(Random rng, int steps, double floor)
    {
        var central = Hourly(steps, _ => floor + 2 + (rng.NextDouble() * 15));
        var low = Hourly(steps, t => Math.Max(floor, central[t] - (rng.NextDouble() * 5)));
        return GridConnection.FlexibleOf(new QuantileSeries(central, [new(0.05, low), new(0.5, central)]));
    }

    [Property(MaxTest = 40)]
    public bool NoSiteAboveItsLimitOrCapacity_AnyHour(int seed)
    {
        var p = RandomProblem(seed);
        foreach (var planner in Planners)
        {
            var plan = planner.Plan(p);
            for (var s = 0; s < p.Sites.Count; s++)
            {
                var sch = plan.Sites[s];
                var gpus = GpusUsed(p, plan, s);
                for (var t = 0; t < p.Steps; t++)
                {
                    if (sch.CapMw[t] > sch.LimitMw[t] + 1e-6 || sch.ItLoadMw[t] > p.Sites[s].ItCapacity.Megawatts + 1e-6 || gpus[t] > p.Sites[s].Gpus)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 40)]
    public bool BatteryEnergyBalances_AndGridDrawAddsUp(int seed)
    {
        var p = RandomProblem(seed);
        var plan = Planners[0].Plan(p);
        for (var s = 0; s < p.Sites.Count; s++)
        {
            var site = p.Sites[s];
            var sch = plan.Sites[s];
            var soc = site.Battery?.InitialEnergy.MegawattHours ?? 0;
            for (var t = 0; t < p.Steps; t++)
            {
                var grid = (site.PueAt(p.TimeAt(t)) * sch.ItLoadMw[t]) + sch.ChargeMw[t] - sch.DischargeMw[t] - sch.GenerationUsedMw[t];
                if (Math.Abs(Math.Max(0, grid) - sch.CapMw[t]) > 1e-6)
                {
                    return false;
                }

                if (site.Battery is not { } b)
                {
                    continue;
                }

                soc += (b.ChargeEfficiency * sch.ChargeMw[t]) - (sch.DischargeMw[t] / b.DischargeEfficiency);
                var e = b.EnergyCapacity.MegawattHours;
                if (Math.Abs(soc - sch.BatterySocMwh[t]) > 1e-5 || soc < (b.MinSoc * e) - 1e-6 || soc > (b.MaxSoc * e) + 1e-6 ||
                    sch.ChargeMw[t] > b.MaxPower.Megawatts + 1e-6 || sch.DischargeMw[t] > b.MaxPower.Megawatts + 1e-6)
                {
                    return false;
                }
            }

            if (site.Battery is { } bb && soc < bb.InitialEnergy.MegawattHours - 1e-5)
            {
                return false; // the plan may not end with less energy stored than it started with
            }
        }

        return true;
    }

    [Property(MaxTest = 40)]
    public bool NoJobBeforeReleaseOrAfterDeadline_UnlessReportedLate(int seed)
    {
        var p = RandomProblem(seed);
        foreach (var planner in Planners)
        {
            var plan = planner.Plan(p);
            foreach (var placement in plan.Jobs)
            {
                var job = (DeferrableJob)p.Workloads.Single(w => w.Id == placement.JobId);
                if (placement.Runs.Any(r => r.Start < job.Release))
                {
                    return false;
                }

                var afterDeadline = placement.Runs.Any(r => r.End > job.Deadline);
                if (afterDeadline != placement.Late.MegawattHours > 0)
                {
                    return false;
                }

                if (!job.Interruptible && placement.Runs.Count > 1)
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 40)]
    public bool MovingJob_IsInterruptible_AndEachMoveLeavesTimeForCheckpointAndTransfer(int seed)
    {
        var p = RandomProblem(seed);
        foreach (var placement in Planners[0].Plan(p).Jobs.Where(j => j.Moves))
        {
            var job = (DeferrableJob)p.Workloads.Single(w => w.Id == placement.JobId);
            if (!job.Interruptible || placement.RunSites.Count != placement.Runs.Count)
            {
                return false;
            }

            var home = p.Sites[p.HomeOf(job)].Id;
            if (placement.Runs[0].Start < job.Release + p.Network.TransferTime(home, placement.SiteOf(0), job.StateGigabytes))
            {
                return false;
            }

            for (var k = 1; k < placement.Runs.Count; k++)
            {
                var (a, b) = (placement.SiteOf(k - 1), placement.SiteOf(k));
                if (a != b && placement.Runs[k].Start < placement.Runs[k - 1].End + job.CheckpointTime + p.Network.TransferTime(a, b, job.StateGigabytes))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(MaxTest = 40)]
    public bool LpBound_NeverExceedsTheObjective(int seed)
    {
        var plan = Planners[0].Plan(RandomProblem(seed));
        return plan.Summary.BestBound is { } b && b.Yen <= plan.Summary.Objective.Yen * (1 + 1e-7) + 1e-3;
    }

    private static int[] GpusUsed(PlanningProblem p, Plan plan, int s)
    {
        var used = new int[p.Steps];
        foreach (var placement in plan.Jobs)
        {
            var job = (DeferrableJob)p.Workloads.Single(w => w.Id == placement.JobId);
            for (var k = 0; k < placement.Runs.Count; k++)
            {
                var r = placement.Runs[k];
                if (placement.SiteOf(k) != p.Sites[s].Id)
                {
                    continue;
                }

                for (var t = (int)(r.Start - p.Start).TotalHours; t < (int)(r.End - p.Start).TotalHours; t++)
                {
                    used[t] += job.Gpus;
                }
            }
        }

        return used;
    }
}
