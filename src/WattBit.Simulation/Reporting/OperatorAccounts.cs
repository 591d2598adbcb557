using WattBit.Simulation.Engine;
using WattBit.Simulation.Policies;

namespace WattBit.Simulation.Reporting;

/// <summary>
/// One operator's year under one policy, recomputed from the run's own per-piece and per-site-step output. Its work is
/// the jobs submitted at its sites (wherever they ran) and the inference its sites served; energy at the grid is IT ×
/// the PUE of the site the work ran at, before batteries.
/// </summary>
/// <param name="Operator">The operator.</param>
/// <param name="Sites">Sites it owns.</param>
/// <param name="JobItMwh">IT energy of the jobs submitted at its sites, MWh (what it asked for).</param>
/// <param name="ServedJobItMwh">IT energy of those jobs that ran (at its own or another operator's site), MWh.</param>
/// <param name="UnservedJobItMwh">IT energy of those jobs that never ran (unserved or lost to an order), MWh.</param>
/// <param name="EnergyMwh">Grid energy of its work (its jobs wherever they ran, the inference its sites served), MWh.</param>
/// <param name="LifecycleTonnes">Lifecycle emissions of that energy at the actual intensity of the area and hour it ran in, tCO2.</param>
/// <param name="BillYen">What its sites' whole draw (its own work and the hours it sold) cost at the actual day-ahead price, JPY.</param>
/// <param name="BoughtItMwh">IT energy of its jobs run at other operators' sites, MWh.</param>
/// <param name="PaidYen">What it paid for those hours, JPY.</param>
/// <param name="SoldItMwh">IT energy of other operators' jobs its sites ran, MWh.</param>
/// <param name="ReceivedYen">What it received for them, JPY.</param>
/// <param name="CurtailmentAbsorbedMwh">Its share of the curtailed renewables the DCs absorbed: per area and hour, the absorbed MWh × its work's share of the DCs' grid energy there.</param>
/// <param name="SiteStepsOverLimit">Steps of its sites whose draw (after batteries) was over the site's actual limit.</param>
public sealed record OperatorTotals(string Operator, int Sites, double JobItMwh, double ServedJobItMwh, double UnservedJobItMwh, double EnergyMwh,
    double LifecycleTonnes, double BillYen, double BoughtItMwh, double PaidYen, double SoldItMwh, double ReceivedYen, double CurtailmentAbsorbedMwh,
    long SiteStepsOverLimit)
{
    /// <summary>What its energy cost it in the end: its bill plus what it paid for bought hours less what it received for sold ones, JPY.</summary>
    public double NetCostYen => BillYen + PaidYen - ReceivedYen;

    /// <summary>Its market settlement: received less paid, JPY (the settlements of all operators sum to zero).</summary>
    public double SettlementYen => ReceivedYen - PaidYen;
}

/// <summary>
/// Splits a policy's result by operator and settles the hours one operator's site ran another's job: the buyer pays the
/// seller the seller's energy cost of each such hour (IT MWh × the site's PUE × the area's actual day-ahead price) plus
/// <see cref="MarketPolicy.Markup"/> (docs/decisions/0135). Stateless and thread-safe.
/// </summary>
public static class OperatorAccounts
{
    /// <summary>Every operator's totals under <paramref name="policy"/>, in <see cref="MarketPolicy.Operators"/> order.</summary>
    /// <param name="result">The simulation.</param>
    /// <param name="policy">One of its policies' results.</param>
    public static IReadOnlyList<OperatorTotals> Of(SimulationResult result, PolicyResult policy)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(policy);
        var world = result.World;
        var scenario = world.Scenario;
        var names = MarketPolicy.Operators(scenario);
        var owner = MarketPolicy.SiteOperator(scenario);
        var jobs = result.Workload.Jobs;
        var h = world.StepHours;
        var n = world.Steps;
        var sites = scenario.Sites;
        var ops = names.Count;
        var asked = new double[ops];
        var served = new double[ops];
        var energy = new double[ops];
        var tonnes = new double[ops];
        var bill = new double[ops];
        var bought = new double[ops];
        var paid = new double[ops];
        var sold = new double[ops];
        var received = new double[ops];
        var absorbed = new double[ops];
        var over = new long[ops];

        // The grid energy of each operator's work per area and step (for its share of the absorbed curtailment), and
        // the job IT load each site ran per step (the rest of its IT load is inference).
        var work = new double[ops][];
        for (var o = 0; o < ops; o++)
        {
            work[o] = new double[world.AreaCodes.Count * n];
        }

        var jobLoad = new double[sites.Count][];
        for (var s = 0; s < sites.Count; s++)
        {
            jobLoad[s] = new double[n];
        }

        for (var j = 0; j < jobs.Count; j++)
        {
            asked[owner[jobs.Home[j]]] += jobs.PowerMw[j] * jobs.Duration[j] * h;
        }

        foreach (var piece in policy.JobPieces)
        {
            var buyer = owner[jobs.Home[piece.Job]];
            var seller = owner[piece.Site];
            var area = world.SiteArea[piece.Site];
            var pue = sites[piece.Site].Pue;
            var it = jobs.PowerMw[piece.Job] * h;
            for (var t = piece.From; t < piece.To; t++)
            {
                jobLoad[piece.Site][t] += jobs.PowerMw[piece.Job];
                served[buyer] += it;
                energy[buyer] += it * pue;
                tonnes[buyer] += it * pue * world.CarbonLifecycle[area][t] / 1000;
                work[buyer][(area * n) + t] += it * pue;
                if (buyer != seller)
                {
                    var pay = it * pue * world.Price[area][t] * 1000 * (1 + MarketPolicy.Markup);
                    bought[buyer] += it;
                    sold[seller] += it;
                    paid[buyer] += pay;
                    received[seller] += pay;
                }
            }
        }

        for (var s = 0; s < sites.Count; s++)
        {
            var o = owner[s];
            var area = world.SiteArea[s];
            var pue = sites[s].Pue;
            var itRun = policy.SiteItMw[s];
            var grid = policy.SiteGridMw[s];
            var limit = world.LimitMw[s];
            for (var t = 0; t < n; t++)
            {
                // Inference served here is the site's IT load less the jobs it ran (never below 0 for float rounding).
                var inference = Math.Max(0, itRun[t] - jobLoad[s][t]) * h;
                energy[o] += inference * pue;
                tonnes[o] += inference * pue * world.CarbonLifecycle[area][t] / 1000;
                work[o][(area * n) + t] += inference * pue;
                bill[o] += itRun[t] * h * pue * world.Price[area][t] * 1000;
                if (grid[t] > limit[t] + 1e-5)
                {
                    over[o]++;
                }
            }
        }

        for (var a = 0; a < world.AreaCodes.Count; a++)
        {
            var curtailed = world.CurtailedMw[a];
            for (var t = 0; t < n; t++)
            {
                double total = 0;
                for (var o = 0; o < ops; o++)
                {
                    total += work[o][(a * n) + t];
                }

                if (total <= 0)
                {
                    continue;
                }

                var taken = Math.Min(total, curtailed[t] * h);
                for (var o = 0; o < ops; o++)
                {
                    absorbed[o] += taken * work[o][(a * n) + t] / total;
                }
            }
        }

        var totals = new OperatorTotals[ops];
        for (var o = 0; o < ops; o++)
        {
            totals[o] = new OperatorTotals(names[o], owner.Count(x => x == o), asked[o], served[o], Math.Max(0, asked[o] - served[o]), energy[o], tonnes[o],
                bill[o], bought[o], paid[o], sold[o], received[o], absorbed[o], over[o]);
        }

        return totals;
    }

    /// <summary>
    /// The market's gain per operator: each operator's totals under <see cref="Scenarios.PolicyKind.OperatorsAlone"/> and
    /// under <see cref="Scenarios.PolicyKind.Market"/>, when the simulation ran both; else empty.
    /// </summary>
    /// <param name="result">The simulation.</param>
    public static IReadOnlyList<(OperatorTotals Alone, OperatorTotals Market)> Gain(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var alone = result.Policies.FirstOrDefault(p => p.Policy == Scenarios.PolicyKind.OperatorsAlone);
        var market = result.Policies.FirstOrDefault(p => p.Policy == Scenarios.PolicyKind.Market);
        if (alone is null || market is null)
        {
            return [];
        }

        var a = Of(result, alone);
        var m = Of(result, market);
        return [.. a.Zip(m)];
    }

    /// <summary>The operators.csv lines: one row per policy and operator, with a header.</summary>
    /// <param name="result">The simulation.</param>
    public static IEnumerable<string> Csv(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        yield return "policy,operator,sites,job_it_mwh,served_job_it_mwh,unserved_job_it_mwh,energy_mwh,lifecycle_tco2,bill_yen,bought_it_mwh,paid_yen,sold_it_mwh,received_yen,net_cost_yen,curtailment_absorbed_mwh,site_steps_over_limit";
        foreach (var p in result.Policies)
        {
            foreach (var o in Of(result, p))
            {
                yield return string.Join(',', PolicyFactory.Name(p.Policy), o.Operator, F(o.Sites), F(o.JobItMwh), F(o.ServedJobItMwh), F(o.UnservedJobItMwh), F(o.EnergyMwh),
                    F(o.LifecycleTonnes), F(o.BillYen), F(o.BoughtItMwh), F(o.PaidYen), F(o.SoldItMwh), F(o.ReceivedYen), F(o.NetCostYen), F(o.CurtailmentAbsorbedMwh),
                    F(o.SiteStepsOverLimit));
            }
        }
    }

    private static string F(double v) => Math.Round(v, 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
