using Google.OrTools.LinearSolver;
using WattBit.Planning.Model;

namespace WattBit.Planning.Planner;

/// <summary>
/// Schedules each site's battery, on-site generation and dispatchable generator for a fixed IT load: a small LP per site
/// minimising the cost of grid energy plus battery wear plus the generator's fuel and the carbon price of its emissions,
/// with the grid draw within the connection limit each step. The generator is scheduled only when the operator allows
/// it beyond emergencies (<see cref="OnSiteGenerator.UseForDemandResponse"/>), on the fuel above its emergency
/// reserve (decision 0148).
/// </summary>
internal static class BatteryScheduler
{
    public static void Run(ProblemData d, Schedule x, bool useBatteries)
    {
        for (var s = 0; s < d.S; s++)
        {
            var bat = d.Problem.Sites[s].Battery;
            var generator = useBatteries && Schedulable(d, s);
            if (!(useBatteries && (bat is not null || generator)) || !SolveSite(d, x, s))
            {
                // Idle battery: generation covers what it can, the rest comes from the grid.
                for (var t = 0; t < d.T; t++)
                {
                    var load = d.Pue[s][t] * (d.BaseMw[s] + x.JobItMw[s][t] + x.InfItMw[s][t]);
                    x.GenUsedMw[s][t] = Math.Min(load, d.GenMw[s][t]);
                    x.ChargeMw[s][t] = 0;
                    x.DischargeMw[s][t] = 0;
                    x.GeneratorMw[s][t] = 0;
                }

                if (useBatteries && (bat is not null || generator))
                {
                    x.Notes.Add($"site {d.Problem.Sites[s].Id}: battery and generator LP failed; both left idle.");
                }
            }
        }
    }

    // A generator the plan may run for economics: allowed beyond emergencies, with fuel above its reserve.
    private static bool Schedulable(ProblemData d, int s) =>
        d.Problem.Sites[s].Generator is { UseForDemandResponse: true } g && g.FuelHours > g.ReserveHours;

    private static bool SolveSite(ProblemData d, Schedule x, int s)
    {
        var bat = d.Problem.Sites[s].Battery;
        var gen = Schedulable(d, s) ? d.Problem.Sites[s].Generator : null;
        using var solver = SolverFactory.CreateLinear("GLOP", out _); // small LP; GLOP prints no banner
        solver.SuppressOutput();
        var obj = solver.Objective();
        obj.SetMinimization();
        var e = bat?.EnergyCapacity.MegawattHours ?? 0;
        var ch = new Variable?[d.T];
        var dis = new Variable?[d.T];
        var gu = new Variable[d.T];
        var gd = new Variable?[d.T];
        var soc = new Variable?[d.T];
        var stepH = PlanningProblem.Step.TotalHours;
        // The generator's cost per MWh: fuel plus the carbon price of its emissions (g/kWh = kg/MWh).
        var genCost = gen is null ? 0 : (gen.FuelCost.YenPerKilowattHour * 1000) + (gen.Emissions.GramsPerKilowattHour / 1000 * d.Problem.Costs.CarbonPriceYenPerTonne);
        var fuel = gen is null ? null : solver.MakeConstraint(0, gen.MaxPower.Megawatts * (gen.FuelHours - gen.ReserveHours).TotalHours);
        for (var t = 0; t < d.T; t++)
        {
            var load = d.Pue[s][t] * (d.BaseMw[s] + x.JobItMw[s][t] + x.InfItMw[s][t]);
            gu[t] = solver.MakeNumVar(0, d.GenMw[s][t], string.Empty);
            // grid = load + ch - dis - gu - gd, within [0, limit]
            var grid = solver.MakeConstraint(-load, d.LimitMw[s][t] - load);
            grid.SetCoefficient(gu[t], -1);
            obj.SetCoefficient(gu[t], -d.CostPerMwh[s][t]);
            if (gen is not null)
            {
                gd[t] = solver.MakeNumVar(0, gen.MaxPower.Megawatts, string.Empty);
                grid.SetCoefficient(gd[t], -1);
                obj.SetCoefficient(gd[t], genCost - d.CostPerMwh[s][t]);
                fuel!.SetCoefficient(gd[t], stepH);
            }

            if (bat is null)
            {
                continue;
            }

            ch[t] = solver.MakeNumVar(0, bat.MaxPower.Megawatts, string.Empty);
            dis[t] = solver.MakeNumVar(0, bat.MaxPower.Megawatts, string.Empty);
            soc[t] = solver.MakeNumVar(bat.MinSoc * e, bat.MaxSoc * e, string.Empty);
            grid.SetCoefficient(ch[t], 1);
            grid.SetCoefficient(dis[t], -1);
            obj.SetCoefficient(ch[t], d.CostPerMwh[s][t]);
            obj.SetCoefficient(dis[t], d.Problem.Costs.BatteryCycleYenPerMwh - d.CostPerMwh[s][t]);
            var init = t == 0 ? bat.InitialSoc * e : 0;
            var bal = solver.MakeConstraint(init, init);
            bal.SetCoefficient(soc[t], 1);
            if (t > 0)
            {
                bal.SetCoefficient(soc[t - 1], -1);
            }

            bal.SetCoefficient(ch[t], -bat.ChargeEfficiency);
            bal.SetCoefficient(dis[t], 1 / bat.DischargeEfficiency);
        }

        if (bat is not null)
        {
            soc[d.T - 1]!.SetLb(Math.Max(soc[d.T - 1]!.Lb(), bat.InitialSoc * e));
        }

        if (solver.Solve() != Solver.ResultStatus.OPTIMAL)
        {
            return false;
        }

        for (var t = 0; t < d.T; t++)
        {
            x.ChargeMw[s][t] = ch[t]?.SolutionValue() ?? 0;
            x.DischargeMw[s][t] = dis[t]?.SolutionValue() ?? 0;
            x.GenUsedMw[s][t] = gu[t].SolutionValue();
            x.GeneratorMw[s][t] = gd[t]?.SolutionValue() ?? 0;
            if (soc[t] is { } v)
            {
                x.SocMwh[s][t] = v.SolutionValue();
            }
        }

        return true;
    }
}
