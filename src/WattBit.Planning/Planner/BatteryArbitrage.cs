using Google.OrTools.LinearSolver;
using WattBit.Planning.Model;

namespace WattBit.Planning.Planner;

/// <summary>One battery's schedule over a horizon: grid-side charge and discharge power and state of charge per step.</summary>
/// <param name="ChargeMw">Power drawn from the grid to charge, per step, MW.</param>
/// <param name="DischargeMw">Power delivered to the site, per step, MW.</param>
/// <param name="SocMwh">Stored energy at the end of each step, MWh.</param>
/// <param name="Gain">What the schedule saves on the value series, in value × MWh (0 for an idle schedule).</param>
public sealed record BatterySchedule(double[] ChargeMw, double[] DischargeMw, double[] SocMwh, double Gain)
{
    /// <summary>Whether the battery does nothing (no round trip pays).</summary>
    public bool Idle => Gain <= 0;
}

/// <summary>
/// The one battery LP (<see cref="Solve"/>, also the planner's <c>BatteryScheduler</c>'s; decision 0183) for one battery alone, on a value per step (a forecast of
/// carbon intensity or price): minimise Σ value × h × (margin × charge − discharge) (a negative charging value is divided by the margin), state of charge
/// soc_t = soc_{t−1} + η_c × charge × h − discharge × h ÷ η_d within [floor, max SoC], charge within the room under
/// the site's limit, discharge within the site's own draw (never exporting), and the horizon ending with at least the
/// energy it began with (so a day's arbitrage is paid for inside the day). Because the objective counts what the grid
/// energy is worth, the LP cycles only when a later (or earlier) step's value times the round trip η_c × η_d beats a
/// charging step's value times <c>margin</c>; a horizon where nothing pays returns an idle schedule. Stateless and
/// thread-safe.
/// </summary>
public static class BatteryArbitrage
{
    /// <summary>Gain below which a schedule counts as idle (value × MWh).</summary>
    public const double MinimumGain = 1e-6;

    /// <summary>Schedules one battery over a horizon.</summary>
    /// <param name="battery">The battery (power, efficiencies, SoC limits as fractions of its energy).</param>
    /// <param name="stepHours">Length of a step, hours.</param>
    /// <param name="value">Value of a MWh of grid energy per step (gCO2/kWh or JPY/kWh; the forecast).</param>
    /// <param name="chargeRoomMw">Grid room under the site's limit per step, MW (charging stays within it).</param>
    /// <param name="dischargeRoomMw">The site's own draw per step, MW (discharging stays within it).</param>
    /// <param name="socMwh">Stored energy at the start, MWh.</param>
    /// <param name="floorMwh">Lowest stored energy the schedule may use (e.g. a reserve kept for curtailment orders), MWh; the start's energy when that is lower.</param>
    /// <param name="margin">Factor (≥ 1) on the value of charging energy: a round trip pays only when it beats the charging value by this much (a guard against forecast error).</param>
    /// <exception cref="ArgumentException">The series differ in length, or a number is out of range.</exception>
    public static BatterySchedule Schedule(Battery battery, double stepHours, ReadOnlySpan<double> value, ReadOnlySpan<double> chargeRoomMw, ReadOnlySpan<double> dischargeRoomMw,
        double socMwh, double floorMwh, double margin = 1)
    {
        ArgumentNullException.ThrowIfNull(battery);
        var n = value.Length;
        if (chargeRoomMw.Length != n || dischargeRoomMw.Length != n)
        {
            throw new ArgumentException($"value, chargeRoomMw and dischargeRoomMw must have one entry per step ({n}, {chargeRoomMw.Length}, {dischargeRoomMw.Length}).", nameof(value));
        }

        if (!(stepHours > 0) || !(margin >= 1) || !double.IsFinite(socMwh) || !double.IsFinite(floorMwh))
        {
            throw new ArgumentException($"stepHours must be positive, margin at least 1 and the energies finite (got {stepHours}, {margin}, {socMwh}, {floorMwh}).", nameof(stepHours));
        }

        var idle = new BatterySchedule(new double[n], new double[n], Enumerable.Repeat(socMwh, n).ToArray(), 0);
        if (n == 0 || !MayPay(battery, value, margin))
        {
            return idle;
        }

        var e = battery.EnergyCapacity.MegawattHours;
        var p = battery.MaxPower.Megawatts;
        var chargeMax = new double[n];
        var dischargeMax = new double[n];
        for (var t = 0; t < n; t++)
        {
            chargeMax[t] = Math.Max(0, Math.Min(p, chargeRoomMw[t]));
            dischargeMax[t] = Math.Max(0, Math.Min(p, dischargeRoomMw[t]));
        }

        var plan = Solve(new SiteEnergyLp
        {
            Value = value.ToArray(),
            StepHours = stepHours,
            Battery = battery,
            StartSocMwh = socMwh,
            FloorMwh = Math.Min(Math.Max(floorMwh, battery.MinSoc * e), socMwh),
            TopMwh = Math.Max(battery.MaxSoc * e, socMwh),
            EndSocMwh = socMwh,
            ChargeMaxMw = chargeMax,
            DischargeMaxMw = dischargeMax,
            Margin = margin,
        });
        return plan is null || -plan.Objective <= MinimumGain ? idle : new BatterySchedule(plan.ChargeMw, plan.DischargeMw, plan.SocMwh, -plan.Objective);
    }

    /// <summary>
    /// The one battery LP (decision 0183): a site's battery, and when given its on-site generation and a dispatchable
    /// generator, over a horizon. Minimise Σ h × (value × (margin-guarded) charge − value × discharge + wear × discharge −
    /// value × generation used + (generator cost − value) × generator), the state of charge
    /// soc_t = soc_{t−1} + η_c × charge × h − discharge × h ÷ η_d within [floor, top] ending at least at the given energy,
    /// charge and discharge each within their own bounds, and, when the site's load and limit are given, its grid draw
    /// (load + charge − discharge − generation − generator) within [0, limit]; the generator within its energy budget.
    /// Null when the LP has no optimum. <see cref="Schedule"/> (the simulation's batteries) and the planner's
    /// <c>BatteryScheduler</c> both solve it.
    /// </summary>
    internal static SiteEnergyPlan? Solve(SiteEnergyLp lp)
    {
        var n = lp.Value.Length;
        var h = lp.StepHours;
        var bat = lp.Battery;
        using var solver = SolverFactory.CreateLinear("GLOP", out _); // small LP; GLOP prints no banner
        solver.SuppressOutput();
        var objective = solver.Objective();
        objective.SetMinimization();
        var charge = new Variable?[n];
        var discharge = new Variable?[n];
        var soc = new Variable?[n];
        var used = new Variable?[n];
        var generator = new Variable?[n];
        var fuel = lp.GeneratorMaxMw > 0 ? solver.MakeConstraint(0, lp.GeneratorEnergyMwh) : null;
        for (var t = 0; t < n; t++)
        {
            var value = lp.Value[t];
            var grid = lp.LoadMw is { } load && lp.LimitMw is { } limit ? solver.MakeConstraint(-load[t], limit[t] - load[t]) : null;
            if (lp.GenerationMw is { } generation)
            {
                used[t] = solver.MakeNumVar(0, generation[t], string.Empty);
                grid?.SetCoefficient(used[t], -1);
                objective.SetCoefficient(used[t], -value * h);
            }

            if (fuel is not null)
            {
                generator[t] = solver.MakeNumVar(0, lp.GeneratorAvailableMw?[t] ?? lp.GeneratorMaxMw, string.Empty);
                grid?.SetCoefficient(generator[t], -1);
                objective.SetCoefficient(generator[t], (lp.GeneratorCostPerMwh - value) * h);
                fuel.SetCoefficient(generator[t], h);
            }

            if (bat is null)
            {
                continue;
            }

            charge[t] = solver.MakeNumVar(0, lp.ChargeMaxMw?[t] ?? bat.MaxPower.Megawatts, string.Empty);
            discharge[t] = solver.MakeNumVar(0, lp.DischargeMaxMw?[t] ?? bat.MaxPower.Megawatts, string.Empty);
            soc[t] = solver.MakeNumVar(lp.FloorMwh, lp.TopMwh, string.Empty);
            grid?.SetCoefficient(charge[t], 1);
            grid?.SetCoefficient(discharge[t], -1);
            objective.SetCoefficient(charge[t], Guarded(value, lp.Margin) * h);
            objective.SetCoefficient(discharge[t], (lp.WearPerMwh - value) * h);
            var start = t == 0 ? lp.StartSocMwh : 0;
            var balance = solver.MakeConstraint(start, start);
            balance.SetCoefficient(soc[t], 1);
            if (t > 0)
            {
                balance.SetCoefficient(soc[t - 1], -1);
            }

            balance.SetCoefficient(charge[t], -bat.ChargeEfficiency * h);
            balance.SetCoefficient(discharge[t], h / bat.DischargeEfficiency);
        }

        if (bat is not null && n > 0)
        {
            soc[n - 1]!.SetLb(Math.Max(soc[n - 1]!.Lb(), lp.EndSocMwh));
        }

        if (solver.Solve() != Solver.ResultStatus.OPTIMAL)
        {
            return null;
        }

        var plan = new SiteEnergyPlan(new double[n], new double[n], new double[n], new double[n], new double[n], objective.Value());
        for (var t = 0; t < n; t++)
        {
            plan.ChargeMw[t] = Math.Max(0, charge[t]?.SolutionValue() ?? 0);
            plan.DischargeMw[t] = Math.Max(0, discharge[t]?.SolutionValue() ?? 0);
            plan.SocMwh[t] = soc[t]?.SolutionValue() ?? lp.StartSocMwh;
            plan.GenerationUsedMw[t] = used[t]?.SolutionValue() ?? 0;
            plan.GeneratorMw[t] = generator[t]?.SolutionValue() ?? 0;
        }

        return plan;
    }

    /// <summary>
    /// Whether any round trip in the horizon could pay, in either order: the dearest step's value times η_c × η_d above
    /// the cheapest's times <paramref name="margin"/>. When it cannot, the LP would return an idle schedule; this check
    /// spares it.
    /// </summary>
    /// <param name="battery">The battery.</param>
    /// <param name="value">Value per step.</param>
    /// <param name="margin">Factor on the charging value.</param>
    public static bool MayPay(Battery battery, ReadOnlySpan<double> value, double margin = 1)
    {
        ArgumentNullException.ThrowIfNull(battery);
        if (value.IsEmpty)
        {
            return false;
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in value)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return max * battery.ChargeEfficiency * battery.DischargeEfficiency > Guarded(min, margin);
    }

    // The charging value raised by the margin (lowered in magnitude when negative: a negative price pays less than forecast).
    private static double Guarded(double value, double margin) => value >= 0 ? value * margin : value / margin;
}

/// <summary>What the one battery LP (<see cref="BatteryArbitrage.Solve"/>) is given for one site over a horizon.</summary>
internal sealed class SiteEnergyLp
{
    /// <summary>Value of a MWh of grid energy per step (carbon, price or the planner's cost per MWh).</summary>
    public required double[] Value { get; init; }

    /// <summary>Length of a step, hours.</summary>
    public double StepHours { get; init; } = 1;

    /// <summary>The battery, or null for generation alone.</summary>
    public Battery? Battery { get; init; }

    /// <summary>Stored energy at the start, MWh.</summary>
    public double StartSocMwh { get; init; }

    /// <summary>Lowest stored energy, MWh.</summary>
    public double FloorMwh { get; init; }

    /// <summary>Highest stored energy, MWh.</summary>
    public double TopMwh { get; init; }

    /// <summary>Least stored energy at the end, MWh.</summary>
    public double EndSocMwh { get; init; }

    /// <summary>Most charging power per step, MW (null: the battery's power).</summary>
    public double[]? ChargeMaxMw { get; init; }

    /// <summary>Most discharging power per step, MW (null: the battery's power).</summary>
    public double[]? DischargeMaxMw { get; init; }

    /// <summary>Factor (≥ 1) on the value of charging energy.</summary>
    public double Margin { get; init; } = 1;

    /// <summary>Wear cost per MWh discharged, in value units.</summary>
    public double WearPerMwh { get; init; }

    /// <summary>The site's grid load before battery and generation per step, MW (with <see cref="LimitMw"/>: the grid draw stays within [0, limit]).</summary>
    public double[]? LoadMw { get; init; }

    /// <summary>The site's grid limit per step, MW.</summary>
    public double[]? LimitMw { get; init; }

    /// <summary>On-site generation available per step, MW (null: none).</summary>
    public double[]? GenerationMw { get; init; }

    /// <summary>The dispatchable generator's power, MW (0: none).</summary>
    public double GeneratorMaxMw { get; init; }

    /// <summary>The generator's largest output per step, MW (null: <see cref="GeneratorMaxMw"/> every step); less in the steps its start-up takes.</summary>
    public double[]? GeneratorAvailableMw { get; init; }

    /// <summary>The generator's cost per MWh, in value units.</summary>
    public double GeneratorCostPerMwh { get; init; }

    /// <summary>The generator's energy budget over the horizon, MWh.</summary>
    public double GeneratorEnergyMwh { get; init; }
}

/// <summary>The one battery LP's answer per step.</summary>
/// <param name="ChargeMw">Grid-side charging power, MW.</param>
/// <param name="DischargeMw">Power delivered to the site, MW.</param>
/// <param name="SocMwh">Stored energy at the end of each step, MWh.</param>
/// <param name="GenerationUsedMw">On-site generation used, MW.</param>
/// <param name="GeneratorMw">Generator output, MW.</param>
/// <param name="Objective">The LP's objective at the optimum.</param>
internal sealed record SiteEnergyPlan(double[] ChargeMw, double[] DischargeMw, double[] SocMwh, double[] GenerationUsedMw, double[] GeneratorMw, double Objective);
