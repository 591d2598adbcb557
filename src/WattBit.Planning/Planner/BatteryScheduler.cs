using WattBit.Planning.Model;

namespace WattBit.Planning.Planner;

/// <summary>
/// Schedules each site's battery, on-site generation and dispatchable generator for a fixed IT load: the one battery LP
/// (<see cref="BatteryArbitrage"/>'s, decision 0183) per site
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
    private static bool Schedulable(ProblemData d, int s) => d.GeneratorFuelMwh[s] > 0;

    // The one battery LP (BatteryArbitrage.Solve; decision 0183) on the site's cost per MWh, its load within the limit.
    private static bool SolveSite(ProblemData d, Schedule x, int s)
    {
        var bat = d.Problem.Sites[s].Battery;
        var gen = Schedulable(d, s) ? d.Problem.Sites[s].Generator : null;
        var e = bat?.EnergyCapacity.MegawattHours ?? 0;
        var load = new double[d.T];
        var limit = new double[d.T];
        var value = new double[d.T];
        var generation = new double[d.T];
        for (var t = 0; t < d.T; t++)
        {
            load[t] = d.Pue[s][t] * (d.BaseMw[s] + x.JobItMw[s][t] + x.InfItMw[s][t]);
            limit[t] = d.LimitMw[s][t];
            value[t] = d.CostPerMwh[s][t];
            generation[t] = d.GenMw[s][t];
        }

        // The generator's cost per MWh: fuel plus the carbon price of its emissions (g/kWh = kg/MWh).
        var plan = BatteryArbitrage.Solve(new SiteEnergyLp
        {
            Value = value,
            StepHours = PlanningProblem.Step.TotalHours,
            Battery = bat,
            StartSocMwh = bat is null ? 0 : bat.InitialSoc * e,
            FloorMwh = bat is null ? 0 : bat.MinSoc * e,
            TopMwh = bat is null ? 0 : bat.MaxSoc * e,
            EndSocMwh = bat is null ? 0 : bat.InitialSoc * e,
            WearPerMwh = d.Problem.Costs.BatteryCycleYenPerMwh,
            LoadMw = load,
            LimitMw = limit,
            GenerationMw = generation,
            GeneratorMaxMw = gen?.MaxPower.Megawatts ?? 0,
            GeneratorAvailableMw = gen is null ? null : d.GeneratorMw[s],
            GeneratorCostPerMwh = d.GeneratorCostPerMwh[s],
            GeneratorEnergyMwh = d.GeneratorFuelMwh[s],
        });
        if (plan is null)
        {
            return false;
        }

        for (var t = 0; t < d.T; t++)
        {
            x.ChargeMw[s][t] = bat is null ? 0 : plan.ChargeMw[t];
            x.DischargeMw[s][t] = bat is null ? 0 : plan.DischargeMw[t];
            x.GenUsedMw[s][t] = plan.GenerationUsedMw[t];
            x.GeneratorMw[s][t] = plan.GeneratorMw[t];
            if (bat is not null)
            {
                x.SocMwh[s][t] = plan.SocMwh[t];
            }
        }

        return true;
    }
}
