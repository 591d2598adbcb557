using Google.OrTools.LinearSolver;

namespace WattBit.Planning.Planner;

/// <summary>
/// Schedules each site's battery and on-site generation for a fixed IT load: a small LP per site minimising the cost
/// of grid energy plus battery wear, with the grid draw within the connection limit each step.
/// </summary>
internal static class BatteryScheduler
{
    public static void Run(ProblemData d, Schedule x, bool useBatteries)
    {
        for (var s = 0; s < d.S; s++)
        {
            var bat = d.Problem.Sites[s].Battery;
            if (!useBatteries || bat is null || !SolveSite(d, x, s))
            {
                // Idle battery: generation covers what it can, the rest comes from the grid.
                for (var t = 0; t < d.T; t++)
                {
                    var load = d.Pue[s][t] * (d.BaseMw[s] + x.JobItMw[s][t] + x.InfItMw[s][t]);
                    x.GenUsedMw[s][t] = Math.Min(load, d.GenMw[s][t]);
                    x.ChargeMw[s][t] = 0;
                    x.DischargeMw[s][t] = 0;
                }

                if (useBatteries && bat is not null)
                {
                    x.Notes.Add($"site {d.Problem.Sites[s].Id}: battery LP failed; battery left idle.");
                }
            }
        }
    }

    private static bool SolveSite(ProblemData d, Schedule x, int s)
    {
        var bat = d.Problem.Sites[s].Battery!;
        using var solver = SolverFactory.CreateLinear("GLOP", out _); // small LP; GLOP prints no banner
        solver.SuppressOutput();
        var obj = solver.Objective();
        obj.SetMinimization();
        var e = bat.EnergyCapacity.MegawattHours;
        var ch = new Variable[d.T];
        var dis = new Variable[d.T];
        var gu = new Variable[d.T];
        var soc = new Variable[d.T];
        for (var t = 0; t < d.T; t++)
        {
            var load = d.Pue[s][t] * (d.BaseMw[s] + x.JobItMw[s][t] + x.InfItMw[s][t]);
            ch[t] = solver.MakeNumVar(0, bat.MaxPower.Megawatts, string.Empty);
            dis[t] = solver.MakeNumVar(0, bat.MaxPower.Megawatts, string.Empty);
            gu[t] = solver.MakeNumVar(0, d.GenMw[s][t], string.Empty);
            soc[t] = solver.MakeNumVar(bat.MinSoc * e, bat.MaxSoc * e, string.Empty);
            // grid = load + ch - dis - gu, within [0, limit]
            var grid = solver.MakeConstraint(-load, d.LimitMw[s][t] - load);
            grid.SetCoefficient(ch[t], 1);
            grid.SetCoefficient(dis[t], -1);
            grid.SetCoefficient(gu[t], -1);
            obj.SetCoefficient(ch[t], d.CostPerMwh[s][t]);
            obj.SetCoefficient(dis[t], d.Problem.Costs.BatteryCycleYenPerMwh - d.CostPerMwh[s][t]);
            obj.SetCoefficient(gu[t], -d.CostPerMwh[s][t]);
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

        soc[d.T - 1].SetLb(Math.Max(soc[d.T - 1].Lb(), bat.InitialSoc * e));
        if (solver.Solve() != Solver.ResultStatus.OPTIMAL)
        {
            return false;
        }

        for (var t = 0; t < d.T; t++)
        {
            x.ChargeMw[s][t] = ch[t].SolutionValue();
            x.DischargeMw[s][t] = dis[t].SolutionValue();
            x.GenUsedMw[s][t] = gu[t].SolutionValue();
            x.SocMwh[s][t] = soc[t].SolutionValue();
        }

        return true;
    }
}
