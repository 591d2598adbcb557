using WattBit.Formats;
using WattBit.Planning.Model;

namespace WattBit.Planning.Planner;

/// <summary>A deferrable job flattened onto the hourly grid.</summary>
internal sealed class JobData
{
    public required DeferrableJob Job { get; init; }

    public required double PowerMw { get; init; }

    public required int Gpus { get; init; }

    /// <summary>First step it may run at its home site.</summary>
    public required int Release { get; init; }

    /// <summary>Step by which it must be done (exclusive).</summary>
    public required int Deadline { get; init; }

    /// <summary>Steps it needs within this horizon (the part that cannot wait for a later plan).</summary>
    public required int Steps { get; init; }

    /// <summary>Energy of the last step as a fraction of a full step.</summary>
    public required double LastFraction { get; init; }

    /// <summary>IT energy (MWh) that must be done within this horizon.</summary>
    public required double WorkMwh { get; init; }

    public required bool Interruptible { get; init; }

    public required int[] Eligible { get; init; }

    public required int Home { get; init; }

    /// <summary>Release step at each eligible site, after moving its state there (index by site; -1 = not eligible).</summary>
    public required int[] ReleaseAt { get; init; }
}

/// <summary>An inference service flattened onto the hourly grid.</summary>
internal sealed class ServiceData
{
    public required InferenceService Service { get; init; }

    public required double ReplicaMw { get; init; }

    public required int ReplicaGpus { get; init; }

    public required double Rps { get; init; }

    public required int Home { get; init; }

    /// <summary>Per region: sites within the latency bound.</summary>
    public required int[][] Reach { get; init; }

    /// <summary>Per region and step: demand (requests/s).</summary>
    public required double[][] Demand { get; init; }

    /// <summary>Penalty weight: MWh-equivalent of one request/s for one step.</summary>
    public double MwhPerRps => ReplicaMw / Rps;
}

/// <summary>The problem as plain arrays, indexed [site][step]: what the LP, the heuristics and the evaluator share.</summary>
internal sealed class ProblemData
{
    public ProblemData(PlanningProblem problem)
    {
        Problem = problem;
        S = problem.Sites.Count;
        T = problem.Steps;
        LimitMw = new double[S][];
        Pue = new double[S][];
        GenMw = new double[S][];
        CostPerMwh = new double[S][];
        PricePerMwh = new double[S][];
        KgPerMwh = new double[S][];
        SurplusMw = new double[S][];
        GeneratorMw = new double[S][];
        GeneratorFuelMwh = new double[S];
        GeneratorCostPerMwh = new double[S];
        ItCapMw = new double[S];
        BaseMw = new double[S];
        Gpus = new int[S];
        var carbonPrice = problem.Costs.CarbonPriceYenPerTonne;
        for (var s = 0; s < S; s++)
        {
            var site = problem.Sites[s];
            var area = site.Site.Area.Code;
            ItCapMw[s] = site.ItCapacity.Megawatts;
            BaseMw[s] = site.BaseLoad.Megawatts;
            Gpus[s] = site.Gpus;
            LimitMw[s] = new double[T];
            Pue[s] = new double[T];
            GenMw[s] = new double[T];
            CostPerMwh[s] = new double[T];
            PricePerMwh[s] = new double[T];
            KgPerMwh[s] = new double[T];
            SurplusMw[s] = new double[T];
            GeneratorMw[s] = new double[T];
            if (site.Generator is { UseForDemandResponse: true } g && g.FuelHours > g.ReserveHours)
            {
                // A generator the plan may run beyond emergencies (decision 0148), on the fuel above its reserve. The plan is
                // made at its start, so the generator carries load only after its start-up: the step holding the start-up
                // gets the share of the hour left after it (decision 0213).
                GeneratorFuelMwh[s] = g.MaxPower.Megawatts * (g.FuelHours - g.ReserveHours).TotalHours;
                GeneratorCostPerMwh[s] = (g.FuelCost.YenPerKilowattHour * 1000) + (g.Emissions.GramsPerKilowattHour / 1000 * carbonPrice);
                for (var t = 0; t < T; t++)
                {
                    var ready = (problem.TimeAt(t + 1) - (problem.Start + g.StartupTime)) / PlanningProblem.Step;
                    GeneratorMw[s][t] = g.MaxPower.Megawatts * Math.Clamp(ready, 0, 1);
                }
            }

            var carbon = problem.Carbon[area];
            var price = problem.Price[area];
            var surplus = problem.Surplus is { } su && su.Contains(area) ? su[area] : null;
            for (var t = 0; t < T; t++)
            {
                var at = problem.TimeAt(t);
                LimitMw[s][t] = site.Connection.LimitAt(at, problem.Confidence, problem.UseN1Capacity, problem.UtcOffset).Megawatts;
                Pue[s][t] = site.PueAt(at);
                GenMw[s][t] = site.GenerationAt(at).Megawatts;
                var ci = ValueAt(carbon, at, "carbon", area);
                var pr = ValueAt(price, at, "price", area);
                KgPerMwh[s][t] = ci; // gCO2/kWh == kgCO2/MWh
                PricePerMwh[s][t] = pr * 1000;
                CostPerMwh[s][t] = (pr * 1000) + (ci / 1000 * carbonPrice);
                SurplusMw[s][t] = surplus is not null && surplus.TryIndexOf(at, out var k) && !double.IsNaN(surplus[k]) ? Math.Max(0, surplus[k]) : 0;
            }
        }

        var jobs = new List<JobData>();
        var services = new List<ServiceData>();
        foreach (var w in problem.Workloads)
        {
            if (w is DeferrableJob j)
            {
                if (Flatten(j) is { } jd)
                {
                    jobs.Add(jd);
                }
            }
            else if (w is InferenceService svc)
            {
                services.Add(Flatten(svc));
            }
        }

        Jobs = [.. jobs];
        Services = [.. services];
        AreaOf = new int[S];
        var areas = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var s = 0; s < S; s++)
        {
            var code = problem.Sites[s].Site.Area.Code;
            if (!areas.TryGetValue(code, out var a))
            {
                a = areas.Count;
                areas[code] = a;
            }

            AreaOf[s] = a;
        }

        AreaCount = areas.Count;
    }

    public PlanningProblem Problem { get; }

    public int S { get; }

    public int T { get; }

    public double[][] LimitMw { get; }

    public double[][] Pue { get; }

    public double[][] GenMw { get; }

    /// <summary>Energy price plus carbon price, JPY per MWh drawn from the grid.</summary>
    public double[][] CostPerMwh { get; }

    public double[][] PricePerMwh { get; }

    public double[][] KgPerMwh { get; }

    /// <summary>Curtailed renewable power of the site's area (MW), the same array content for every site of an area.</summary>
    public double[][] SurplusMw { get; }

    /// <summary>
    /// Output the site's dispatchable generator may give the plan per step, MW: its power where the operator allows it
    /// beyond emergencies and it has fuel above its reserve, less the start-up at the plan's start; else zero.
    /// </summary>
    public double[][] GeneratorMw { get; }

    /// <summary>Generator energy the plan may burn over the horizon (fuel above the emergency reserve), MWh; zero without a plan-able generator.</summary>
    public double[] GeneratorFuelMwh { get; }

    /// <summary>The generator's cost per MWh generated: fuel plus the carbon price of its emissions, JPY.</summary>
    public double[] GeneratorCostPerMwh { get; }

    public double[] ItCapMw { get; }

    public double[] BaseMw { get; }

    public int[] Gpus { get; }

    public int[] AreaOf { get; }

    public int AreaCount { get; }

    public JobData[] Jobs { get; }

    public ServiceData[] Services { get; }

    private static double ValueAt(Time.TimeSeries series, DateTimeOffset at, string what, string area)
    {
        var v = series[series.IndexOf(at)];
        return double.IsNaN(v)
            ? throw new ModelValidationException(what, $"the {what} signal of area {area} is missing at {Time.TimeWindow.Format(at)}.")
            : v;
    }

    private int StepCeil(DateTimeOffset at) => (int)Math.Clamp(Math.Ceiling((at - Problem.Start).TotalHours - 1e-9), 0, T);

    private int StepFloor(DateTimeOffset at) => (int)Math.Clamp(Math.Floor((at - Problem.Start).TotalHours + 1e-9), 0, T);

    private JobData? Flatten(DeferrableJob j)
    {
        var p = j.Power.Megawatts;
        var horizonEnd = Problem.Horizon.End;
        var start = j.Release > Problem.Start ? j.Release : Problem.Start;
        var canWait = j.Deadline > horizonEnd ? Math.Max(0, (j.Deadline - (horizonEnd > start ? horizonEnd : start)).TotalHours) : 0;
        var mustHours = Math.Max(0, j.Duration.TotalHours - canWait);
        if (mustHours <= 1e-9 || j.Release >= horizonEnd)
        {
            return null; // a later plan of the rolling horizon can still do all of it
        }

        var steps = (int)Math.Ceiling(mustHours - 1e-9);
        var eligible = Problem.EligibleSites(j.Locations);
        var home = Problem.HomeOf(j);
        var releaseAt = new int[S];
        Array.Fill(releaseAt, -1);
        foreach (var s in eligible)
        {
            var moved = j.Release + Problem.Network.TransferTime(Problem.Sites[home].Id, Problem.Sites[s].Id, j.StateGigabytes);
            releaseAt[s] = StepCeil(moved);
        }

        return new JobData
        {
            Job = j,
            PowerMw = p,
            Gpus = j.Gpus,
            Release = StepCeil(j.Release),
            Deadline = StepFloor(j.Deadline),
            Steps = steps,
            LastFraction = mustHours - (steps - 1),
            WorkMwh = p * mustHours,
            Interruptible = j.Interruptible,
            Eligible = eligible,
            Home = home,
            ReleaseAt = releaseAt,
        };
    }

    private ServiceData Flatten(InferenceService svc)
    {
        var eligible = Problem.EligibleSites(svc.Locations);
        var reach = new int[svc.Demand.Count][];
        var demand = new double[svc.Demand.Count][];
        for (var r = 0; r < svc.Demand.Count; r++)
        {
            var d = svc.Demand[r];
            reach[r] = Array.FindAll(eligible, s => Problem.Network.UserLatency(d.Region, Problem.Sites[s].Id) <= svc.LatencyBound);
            demand[r] = new double[T];
            for (var t = 0; t < T; t++)
            {
                var v = d.RequestsPerSecond[d.RequestsPerSecond.IndexOf(Problem.TimeAt(t))];
                demand[r][t] = double.IsNaN(v) ? 0 : v;
            }
        }

        var home = svc.Home is { } h ? Problem.SiteIndex(h) : eligible[0];
        return new ServiceData
        {
            Service = svc,
            ReplicaMw = svc.ReplicaPower.Megawatts,
            ReplicaGpus = svc.ReplicaGpus,
            Rps = svc.RequestsPerReplica,
            Home = home,
            Reach = reach,
            Demand = demand,
        };
    }
}
