using System.Globalization;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Policies;

namespace WattBit.Simulation.Reporting;

/// <summary>
/// What one battery did under one policy and what it saved (decision 0179), measured on the per-site grid draws of the run
/// with batteries and of the same year run without them.
/// </summary>
/// <param name="Policy">Policy name.</param>
/// <param name="Site">Site id.</param>
/// <param name="Area">Area code.</param>
/// <param name="Cycles">Equivalent full cycles (delivered ÷ usable energy).</param>
/// <param name="ChargedMwh">Energy taken from the grid, MWh.</param>
/// <param name="ShiftedMwh">Energy delivered to the site (shifted in time), MWh.</param>
/// <param name="PayingDays">Days on which its LP found a round trip that pays on the forecast.</param>
/// <param name="Idle">Whether it delivered nothing (no round trip paid and no curtailment order needed it).</param>
/// <param name="SavingYen">The site's energy cost without batteries less with them, JPY (per-site grid draw × actual price, both runs).</param>
/// <param name="SavingTonnes">The same for lifecycle emissions, tCO2.</param>
/// <param name="ArbitrageYen">Its own grid energy (charged − delivered per step) at the actual price, negated: what the arbitrage alone saved, JPY.</param>
/// <param name="ArbitrageTonnes">The same at the actual lifecycle intensity, tCO2.</param>
public sealed record BatteryRow(string Policy, string Site, string Area, double Cycles, double ChargedMwh, double ShiftedMwh, long PayingDays, bool Idle,
    double SavingYen, double SavingTonnes, double ArbitrageYen, double ArbitrageTonnes);

/// <summary>The batteries' whole effect under one policy: the run with batteries against the same year without them.</summary>
/// <param name="Policy">Policy name.</param>
/// <param name="Batteries">Batteries in the fleet.</param>
/// <param name="Idle">Batteries that delivered nothing.</param>
/// <param name="ShiftedMwh">Energy delivered by all batteries, MWh.</param>
/// <param name="Cycles">Equivalent full cycles of the fleet's batteries.</param>
/// <param name="SavingYen">Energy cost without batteries less with them, JPY (positive = saved).</param>
/// <param name="SavingTonnes">Lifecycle emissions without batteries less with them, tCO2 (positive = saved).</param>
/// <param name="ArbitrageYen">What the batteries' own grid energy saved at actual prices, JPY.</param>
/// <param name="ArbitrageTonnes">The same at actual lifecycle intensities, tCO2.</param>
/// <param name="JobsStoppedWith">Jobs stopped by curtailment orders and resumed, with batteries.</param>
/// <param name="JobsStoppedWithout">The same without batteries.</param>
/// <param name="LateJobsWith">Late jobs with batteries.</param>
/// <param name="LateJobsWithout">Late jobs without batteries.</param>
/// <param name="Solves">Battery LPs solved (site-days on which some round trip could pay).</param>
/// <param name="Elapsed">Wall time of the policy's run with batteries.</param>
/// <param name="ElapsedWithout">Wall time of the same run without them (run beside it, so the ratio is what the LPs cost).</param>
public sealed record BatteryFleetRow(string Policy, int Batteries, int Idle, double ShiftedMwh, double Cycles, double SavingYen, double SavingTonnes,
    double ArbitrageYen, double ArbitrageTonnes, int JobsStoppedWith, int JobsStoppedWithout, int LateJobsWith, int LateJobsWithout, long Solves,
    TimeSpan Elapsed, TimeSpan ElapsedWithout);

/// <summary>The batteries' section of the report: per policy and per battery. Stateless and thread-safe.</summary>
public static class BatteryReport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>One row per policy that uses batteries and was also run without them.</summary>
    /// <param name="result">The simulation result.</param>
    public static IReadOnlyList<BatteryFleetRow> Fleet(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return [.. result.Policies.Where(p => p.WithoutBatteries is not null).Select(p =>
        {
            var rows = Rows(result, p);
            var without = p.WithoutBatteries!;
            return new BatteryFleetRow(PolicyFactory.Name(p.Policy), p.Batteries, rows.Count(r => r.Idle), p.BatteryDischargedMwh, p.BatteryCycles,
                without.Overall.CostYen - p.Overall.CostYen, without.Overall.LifecycleTonnes - p.Overall.LifecycleTonnes,
                rows.Sum(r => r.ArbitrageYen), rows.Sum(r => r.ArbitrageTonnes), p.JobsResumed, without.JobsResumed, p.LateJobs, without.LateJobs, p.BatterySolves,
                p.Elapsed, without.Elapsed);
        })];
    }

    /// <summary>One row per battery of one policy's run (empty when the policy leaves its batteries idle).</summary>
    /// <param name="result">The simulation result.</param>
    /// <param name="policy">The policy's result.</param>
    public static IReadOnlyList<BatteryRow> Rows(SimulationResult result, PolicyResult policy)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(policy);
        var world = result.World;
        var h = world.StepHours;
        var without = policy.WithoutBatteries;
        var rows = new List<BatteryRow>();
        foreach (var use in policy.BatteryUses)
        {
            var s = use.Site;
            var site = result.Scenario.Sites[s];
            var a = world.SiteArea[s];
            double savingYen = 0, savingTonnes = 0, ownYen = 0, ownTonnes = 0;
            for (var t = 0; t < world.Steps; t++)
            {
                var price = world.Price[a][t] * 1000 * h;
                var carbon = world.CarbonLifecycle[a][t] / 1000 * h;
                var own = policy.SiteGridMw[s][t] - (policy.SiteItMw[s][t] * site.Pue);
                ownYen -= own * price;
                ownTonnes -= own * carbon;
                if (without is not null)
                {
                    var d = without.SiteGridMw[s][t] - policy.SiteGridMw[s][t];
                    savingYen += d * price;
                    savingTonnes += d * carbon;
                }
            }

            rows.Add(new BatteryRow(PolicyFactory.Name(policy.Policy), site.Id, site.Area.Code, use.Cycles, use.ChargedMwh, use.DeliveredMwh, use.PayingDays,
                use.DeliveredMwh <= 1e-9, without is null ? double.NaN : savingYen, without is null ? double.NaN : savingTonnes, ownYen, ownTonnes));
        }

        return rows;
    }

    /// <summary>Console and report lines: per policy, the batteries' measured effect and how many cycled.</summary>
    /// <param name="result">The simulation result.</param>
    public static IReadOnlyList<string> Lines(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var on = ForecastView.PublishesPrices(result.Scenario) ? "the day's published prices" : "the forecast";
        return [.. Fleet(result).Select(f => FormattableString.Invariant(
            $"Batteries under {f.Policy} (LP per site and day on {on}; {f.Solves:N0} LPs, run {f.Elapsed.TotalSeconds:0.0} s against {f.ElapsedWithout.TotalSeconds:0.0} s without batteries): {f.Batteries - f.Idle} of {f.Batteries} cycled, {f.Idle} idle (no round trip paid after losses), {f.ShiftedMwh:N0} MWh shifted, {f.Cycles:0.#} cycles. Against the same year without batteries: {-f.SavingTonnes:+#,0;-#,0;0} tCO2, {-f.SavingYen / 1e6:+#,0.0;-#,0.0;0.0} M JPY (the arbitrage alone {-f.ArbitrageTonnes:+#,0;-#,0;0} t, {-f.ArbitrageYen / 1e6:+#,0.0;-#,0.0;0.0} M JPY; jobs stopped by orders {f.JobsStoppedWith:N0} against {f.JobsStoppedWithout:N0}, late {f.LateJobsWith:N0} against {f.LateJobsWithout:N0})."))];
    }

    /// <summary>batteries.csv: one line per battery and policy.</summary>
    /// <param name="result">The simulation result.</param>
    public static IEnumerable<string> Csv(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        yield return "policy,site,area,cycles,charged_mwh,shifted_mwh,paying_days,idle,saving_jpy,saving_t,arbitrage_saving_jpy,arbitrage_saving_t";
        foreach (var p in result.Policies.Where(p => p.BatteryUses.Count > 0))
        {
            foreach (var r in Rows(result, p))
            {
                yield return string.Join(',', r.Policy, Formats.Csv.Escape(r.Site), r.Area, F(r.Cycles, "0.00"), F(r.ChargedMwh, "0.0"), F(r.ShiftedMwh, "0.0"),
                    r.PayingDays.ToString(s_inv), r.Idle ? "true" : "false", F(r.SavingYen, "0"), F(r.SavingTonnes, "0.00"), F(r.ArbitrageYen, "0"), F(r.ArbitrageTonnes, "0.00"));
            }
        }
    }

    private static string F(double value, string format)
    {
        if (double.IsNaN(value))
        {
            return string.Empty;
        }

        var text = value.ToString(format, s_inv);
        return text.StartsWith('-') && text.Trim('-', '0', '.').Length == 0 ? text[1..] : text;
    }
}
