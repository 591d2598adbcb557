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
/// The battery LP of the planner's <c>BatteryScheduler</c> for one battery alone, on a value per step (a forecast of
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
        var top = Math.Max(battery.MaxSoc * e, socMwh);
        var floor = Math.Min(Math.Max(floorMwh, battery.MinSoc * e), socMwh);
        var p = battery.MaxPower.Megawatts;
        using var solver = SolverFactory.CreateLinear("GLOP", out _);
        solver.SuppressOutput();
        var objective = solver.Objective();
        objective.SetMinimization();
        var charge = new Variable[n];
        var discharge = new Variable[n];
        var soc = new Variable[n];
        for (var t = 0; t < n; t++)
        {
            charge[t] = solver.MakeNumVar(0, Math.Max(0, Math.Min(p, chargeRoomMw[t])), string.Empty);
            discharge[t] = solver.MakeNumVar(0, Math.Max(0, Math.Min(p, dischargeRoomMw[t])), string.Empty);
            soc[t] = solver.MakeNumVar(floor, top, string.Empty);
            objective.SetCoefficient(charge[t], Guarded(value[t], margin) * stepHours);
            objective.SetCoefficient(discharge[t], -value[t] * stepHours);
            var start = t == 0 ? socMwh : 0;
            var balance = solver.MakeConstraint(start, start);
            balance.SetCoefficient(soc[t], 1);
            if (t > 0)
            {
                balance.SetCoefficient(soc[t - 1], -1);
            }

            balance.SetCoefficient(charge[t], -battery.ChargeEfficiency * stepHours);
            balance.SetCoefficient(discharge[t], stepHours / battery.DischargeEfficiency);
        }

        soc[n - 1].SetLb(socMwh);
        if (solver.Solve() != Solver.ResultStatus.OPTIMAL || -objective.Value() <= MinimumGain)
        {
            return idle;
        }

        var result = new BatterySchedule(new double[n], new double[n], new double[n], -objective.Value());
        for (var t = 0; t < n; t++)
        {
            result.ChargeMw[t] = Math.Max(0, charge[t].SolutionValue());
            result.DischargeMw[t] = Math.Max(0, discharge[t].SolutionValue());
            result.SocMwh[t] = soc[t].SolutionValue();
        }

        return result;
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
