using WattBit.Planning.Model;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Planner;

/// <summary>Evaluates a schedule (cost, carbon, surplus absorbed, late and unserved work, objective) and turns it into a <see cref="Plan"/>.</summary>
internal static class PlanBuilder
{
    private const double OverloadYenPerMwh = 1e8;

    public static Plan Build(ProblemData d, Schedule x, string method, double? bound, TimeSpan elapsed, string status)
    {
        var p = d.Problem;
        double cost = 0, kg = 0, gridMwh = 0, objective = 0, overload = 0, genMwh = 0, genKg = 0, genYen = 0;
        var draw = LpRelaxation.Jagged(d.S, d.T);
        var areaDraw = LpRelaxation.Jagged(d.AreaCount, d.T);
        var areaSurplus = LpRelaxation.Jagged(d.AreaCount, d.T);
        var sites = new List<SiteSchedule>(d.S);
        for (var s = 0; s < d.S; s++)
        {
            var it = new double[d.T];
            for (var t = 0; t < d.T; t++)
            {
                it[t] = d.BaseMw[s] + x.JobItMw[s][t] + x.InfItMw[s][t];
                var g = Math.Max(0, (d.Pue[s][t] * it[t]) + x.ChargeMw[s][t] - x.DischargeMw[s][t] - x.GenUsedMw[s][t] - x.GeneratorMw[s][t]);
                if (x.GeneratorMw[s][t] > 0 && p.Sites[s].Generator is { } generator)
                {
                    // The generator's own cost and emissions (decision 0148): fuel plus the carbon price of its emissions.
                    var mwh = x.GeneratorMw[s][t] * PlanningProblem.Step.TotalHours;
                    genMwh += mwh;
                    genKg += mwh * generator.Emissions.GramsPerKilowattHour;
                    genYen += mwh * 1000 * generator.FuelCost.YenPerKilowattHour;
                    objective += (mwh * 1000 * generator.FuelCost.YenPerKilowattHour) + (mwh * generator.Emissions.GramsPerKilowattHour / 1000 * p.Costs.CarbonPriceYenPerTonne);
                }

                draw[s][t] = g;
                cost += g * d.PricePerMwh[s][t];
                kg += g * d.KgPerMwh[s][t];
                gridMwh += g;
                objective += (g * d.CostPerMwh[s][t]) + (x.DischargeMw[s][t] * p.Costs.BatteryCycleYenPerMwh);
                if (g > d.LimitMw[s][t] + 1e-6)
                {
                    overload += g - d.LimitMw[s][t];
                }

                areaDraw[d.AreaOf[s]][t] += g;
                areaSurplus[d.AreaOf[s]][t] = d.SurplusMw[s][t];
            }

            sites.Add(new SiteSchedule(p.Sites[s].Id, Series(p, d.LimitMw[s], "limit"), Series(p, draw[s], "cap"), Series(p, it, "it"),
                Series(p, x.ChargeMw[s], "charge"), Series(p, x.DischargeMw[s], "discharge"), Series(p, x.GenUsedMw[s], "generation"),
                TimeSeries.Wrap(p.Start, PlanningProblem.Step, (double[])x.SocMwh[s].Clone(), SeriesUnit.MegawattHours, "soc"))
            {
                GeneratorMw = p.Sites[s].Generator is null ? null : Series(p, x.GeneratorMw[s], "generator"),
            });
        }

        double absorbed = 0;
        for (var a = 0; a < d.AreaCount; a++)
        {
            for (var t = 0; t < d.T; t++)
            {
                absorbed += Math.Min(areaDraw[a][t], areaSurplus[a][t]);
            }
        }

        double late = 0, unserved = 0;
        var jobs = new List<PlannedJob>(d.Jobs.Length);
        for (var j = 0; j < d.Jobs.Length; j++)
        {
            var jd = d.Jobs[j];
            late += x.JobLateMwh[j];
            unserved += x.JobUnservedMwh[j];
            var (runs, runSites) = Runs(p, x.JobSteps[j], x.JobStepSites[j]);
            var site = x.JobSite[j] >= 0 ? p.Sites[x.JobSite[j]].Id : (Sites.SiteId?)null;
            var energy = jd.WorkMwh - x.JobUnservedMwh[j];
            jobs.Add(new PlannedJob(jd.Job.Id, jd.Job.Kind, jd.Job.Owner, site, runs.Count > 0 ? runs[0].Start : null, runs,
                Energy.FromMegawattHours(energy), Energy.FromMegawattHours(x.JobLateMwh[j]), Energy.FromMegawattHours(x.JobUnservedMwh[j]),
                x.JobReason[j] ?? string.Empty) { RunSites = runSites });
        }

        var inference = new List<InferencePlacement>();
        for (var i = 0; i < d.Services.Length; i++)
        {
            for (var s = 0; s < d.S; s++)
            {
                var reps = Array.ConvertAll(x.Replicas[i][s], r => (double)r);
                if (Array.Exists(reps, r => r > 0))
                {
                    inference.Add(new InferencePlacement(d.Services[i].Service.Id, p.Sites[s].Id,
                        TimeSeries.Wrap(p.Start, PlanningProblem.Step, reps, SeriesUnit.PerUnit, "replicas")));
                }
            }
        }

        objective += (late * p.Costs.LateYenPerMwh) + (unserved * p.Costs.UnservedYenPerMwh) +
                     (x.UnservedInferenceMwh * p.Costs.UnservedInferenceYenPerMwh) + (overload * OverloadYenPerMwh);
        var notes = new List<string>(x.Notes);
        if (overload > 0)
        {
            notes.Add($"grid draw exceeds a connection limit by {overload:0.###} MWh in total (base load alone is above the limit).");
        }

        foreach (var site in p.Sites)
        {
            if (site.Connection.Headroom is { } h && h.Levels.Count > 0 && !h.CoversLevel(1 - p.Confidence))
            {
                notes.Add($"site {site.Id}: headroom quantiles {string.Join("/", h.Levels)} do not reach level {1 - p.Confidence:0.###}; planned against the nearest given quantile.");
            }
        }

        double? gap = bound is { } b && objective > 0 ? Math.Max(0, (objective - b) / objective) : null;
        var summary = new PlanSummary(Money.FromYen(cost), Emissions.FromKilograms(kg), Energy.FromMegawattHours(gridMwh),
            Energy.FromMegawattHours(absorbed), Energy.FromMegawattHours(late), Energy.FromMegawattHours(unserved),
            Energy.FromMegawattHours(x.UnservedInferenceMwh), Money.FromYen(objective), bound is { } bb ? Money.FromYen(bb) : null, gap,
            elapsed, status)
        {
            GeneratorEnergy = Energy.FromMegawattHours(genMwh),
            GeneratorEmissions = Emissions.FromKilograms(genKg),
            GeneratorCost = Money.FromYen(genYen),
        };
        return new Plan(method, p.Horizon, sites, jobs, inference, summary, notes);
    }

    private static TimeSeries Series(PlanningProblem p, double[] values, string name) =>
        TimeSeries.Wrap(p.Start, PlanningProblem.Step, (double[])values.Clone(), SeriesUnit.Megawatts, name);

    /// <summary>Consecutive steps at the same site as runs; the site of each run when the job moves (else empty).</summary>
    private static (List<TimeWindow> Runs, Sites.SiteId[] Sites) Runs(PlanningProblem p, List<int>? steps, List<int>? sites)
    {
        var runs = new List<TimeWindow>();
        var runSites = new List<Sites.SiteId>();
        if (steps is null)
        {
            return (runs, []);
        }

        for (var k = 0; k < steps.Count; k++)
        {
            var first = steps[k];
            while (k + 1 < steps.Count && steps[k + 1] == steps[k] + 1 && (sites is null || sites[k + 1] == sites[k]))
            {
                k++;
            }

            runs.Add(new TimeWindow(p.TimeAt(first), p.TimeAt(steps[k] + 1)));
            if (sites is not null)
            {
                runSites.Add(p.Sites[sites[k]].Id);
            }
        }

        return (runs, sites is null ? [] : [.. runSites]);
    }
}
