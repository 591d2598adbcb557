using System.Globalization;
using System.Net;
using System.Text;
using WattBit.Formats;
using WattBit.Simulation.DemandResponse;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Policies;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Reporting;

/// <summary>One row of the summary table: a policy's headline numbers.</summary>
/// <param name="Policy">Policy name.</param>
/// <param name="EnergyMwh">Grid energy, MWh.</param>
/// <param name="CostMillionYen">Energy cost, million JPY.</param>
/// <param name="LifecycleTonnes">Lifecycle emissions, tCO2.</param>
/// <param name="DirectTonnes">Direct emissions, tCO2.</param>
/// <param name="CurtailmentAbsorbedMwh">Curtailed renewables absorbed, MWh.</param>
/// <param name="HoursOverLimit">Hours in which any site exceeded its grid limit.</param>
/// <param name="LateJobs">Jobs finished after their deadline.</param>
/// <param name="UnservedMwh">IT energy not served (jobs never run and inference shed), MWh.</param>
public sealed record SummaryRow(string Policy, double EnergyMwh, double CostMillionYen, double LifecycleTonnes, double DirectTonnes,
    double CurtailmentAbsorbedMwh, double HoursOverLimit, int LateJobs, double UnservedMwh);

/// <summary>
/// Writes a simulation's report: a self-contained HTML page (plots embedded as base64 PNG, opens offline) and CSV files
/// of every metric. Stateless and thread-safe.
/// </summary>
public static class SimulationReport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;
    private static readonly string[] s_kinds = ["firm", "provisional", "flexible"];

    /// <summary>The summary rows, one per policy in scenario order.</summary>
    /// <param name="result">The simulation result.</param>
    public static IReadOnlyList<SummaryRow> Summary(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Policies.Select(p => new SummaryRow(PolicyFactory.Name(p.Policy), p.Overall.EnergyMwh, p.Overall.CostYen / 1e6,
            p.Overall.LifecycleTonnes, p.Overall.DirectTonnes, p.Overall.CurtailmentAbsorbedMwh, p.StepsAnySiteOverLimit * result.World.StepHours,
            p.LateJobs, p.UnservedJobItMwh + p.InferenceUnservedItMwh + p.CurtailedJobItMwh)).ToList();
    }

    /// <summary>Writes report.html, the CSV files and plots/*.svg into <paramref name="directory"/> (created if needed) and returns the HTML path.</summary>
    /// <param name="result">The simulation result.</param>
    /// <param name="directory">Output folder.</param>
    /// <param name="demandResponse">What the scenario's demand-response section measured (a section and dr_*.csv), or null.</param>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public static string Write(SimulationResult result, string directory, DrSimulationResult? demandResponse = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        WriteCsv(Path.Combine(directory, "summary.csv"), SummaryCsv(result));
        WriteCsv(Path.Combine(directory, "areas.csv"), AreasCsv(result));
        WriteCsv(Path.Combine(directory, "curtailment_by_month.csv"), MonthlyCsv(result));
        WriteCsv(Path.Combine(directory, "sites.csv"), SitesCsv(result));
        WriteCsv(Path.Combine(directory, "watch_site.csv"), WatchCsv(result));
        WriteCsv(Path.Combine(directory, "data_sources.csv"), SourcesCsv(result));
        if (result.Forecast is { } skill)
        {
            WriteCsv(Path.Combine(directory, "forecast.csv"), ForecastCsv(skill));
        }

        if (result.World.LimitLine.Count > 0)
        {
            WriteCsv(Path.Combine(directory, "binding_lines.csv"), LinesCsv(result));
        }

        if (result.World.Ties is not null)
        {
            WriteCsv(Path.Combine(directory, "ties.csv"), TiesCsv(result));
        }

        if (result.Policies.Any(p => p.BatteryUses.Count > 0))
        {
            WriteCsv(Path.Combine(directory, "batteries.csv"), BatteryReport.Csv(result));
        }

        if (MarketPolicy.Operators(result.Scenario).Count > 1)
        {
            WriteCsv(Path.Combine(directory, "operators.csv"), OperatorAccounts.Csv(result));
        }

        if (result.Bound is not null)
        {
            WriteCsv(Path.Combine(directory, "bound.csv"), BoundReport.Csv(result));
        }
        var path = Path.Combine(directory, "report.html");
        var plots = Path.Combine(directory, "plots");
        Directory.CreateDirectory(plots);
        if (demandResponse is not null)
        {
            DrReport.WriteCsv(demandResponse, directory);
        }

        File.WriteAllText(path, Html(result, plots, demandResponse), new UTF8Encoding(false));
        return path;
    }

    /// <summary>The first step of the week with the most curtailment in the watch site's area (the report's sample week).</summary>
    /// <param name="result">The simulation result.</param>
    public static int SampleWeek(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var world = result.World;
        var week = Math.Min(world.Steps, (int)Math.Round(24 * 7 / world.StepHours));
        var curtailed = world.CurtailedMw[world.SiteArea[result.Policies[0].WatchSite]];
        var perDay = (int)Math.Round(24 / world.StepHours);
        double sum = 0, best = -1;
        var bestStart = 0;
        for (var t = 0; t < world.Steps; t++)
        {
            sum += curtailed[t];
            if (t >= week)
            {
                sum -= curtailed[t - week];
            }

            var start = t - week + 1;
            if (start >= 0 && start % perDay == 0 && sum > best)
            {
                best = sum;
                bestStart = start;
            }
        }

        return bestStart;
    }

    private static string Html(SimulationResult result, string plots, DrSimulationResult? demandResponse)
    {
        var s = result.Scenario;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>WattBit simulation: ").Append(Enc(s.Name)).Append("</title>")
            .Append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;font-size:14px}")
            .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}img{max-width:100%}</style></head><body>");
        html.Append("<h1>").Append(Enc(s.Name)).Append("</h1><p>")
            .Append(Enc(FormattableString.Invariant($"{s.Start:yyyy-MM-dd} to {s.End:yyyy-MM-dd} (JST), step {s.Step.TotalMinutes:0} min, seed {s.Seed}, {(result.World.UsesRealData ? "real data where it exists (table Data below), else the " : string.Empty)}synthetic reference year FY{s.FiscalYear}; ")))
            .Append(Enc(FormattableString.Invariant($"{s.Sites.Count} sites in {s.Sites.Select(x => x.Area.Code).Distinct().Count()} areas, {result.Workload.Jobs.Count:N0} deferrable jobs, target IT load {s.Workload.TargetMw:0.#} MW; ")))
            .Append(Enc(FormattableString.Invariant($"policies minimise {s.Objective.ToString().ToLowerInvariant()} on forecasts (below), judged on actuals. Simulated in {result.Elapsed.TotalSeconds:0.0} s")))
            .Append(Enc(string.Concat(result.Policies.Select(p => FormattableString.Invariant($"; {PolicyFactory.Name(p.Policy)} {p.Elapsed.TotalSeconds:0.0} s")
                + (p.PlanningTime > TimeSpan.Zero ? FormattableString.Invariant($" ({p.PlanningTime.TotalSeconds:0.0} s planning, {p.JobsAsPlanned:N0} of {result.Workload.Jobs.Count:N0} jobs ({(double)p.JobsAsPlanned / Math.Max(1, result.Workload.Jobs.Count):P1}) ran exactly as {(p.Replacements > 0 || p.PublicationPlans > 0 ? "last planned" : "planned at midnight")}{(p.JobsInPieces > 0 ? $", {p.JobsInPieces:N0} checkpointing jobs in {p.PiecesPlanned:N0} pieces ({p.CheckpointOverheadItMwh:N0} MWh of IT energy for their restores)" : string.Empty)}; curtailment orders: {p.OrdersDispatched:N0} met by its dispatcher, {p.OrdersToFallback:N0} by the fallback, {p.JobsMovedOnOrders:N0} jobs moved)") : string.Empty)))))
            .Append(".</p>");
        foreach (var line in ReplanLines(result))
        {
            html.Append("<p>").Append(Enc(line)).Append("</p>");
        }

        if (result.Forecast is { } forecast)
        {
            html.Append("<p>").Append(Enc(forecast.Describe())).Append("</p>");
        }

        html.Append("<h2>Comparison</h2><table><tr><th>policy</th><th>energy MWh</th><th>cost M JPY</th><th>lifecycle tCO2</th><th>direct tCO2</th><th>curtailment absorbed MWh</th><th>hours any site over limit</th><th>site-steps over limit</th><th>late jobs</th><th>unserved MWh (IT)</th><th>jobs moved</th>")
            .Append("<th>firm MWh</th><th>provisional MWh</th><th>flexible MWh</th><th>curtailment orders met / missed (site-steps)</th><th>jobs stopped by orders: resumed / lost</th><th>battery charged / discharged MWh (cycles; batteries idle of all: no day's round trip paid and no order needed them; tCO2 and M JPY of their grid energy at actual intensity and price, negative = saved)</th></tr>");
        foreach (var p in result.Policies)
        {
            var o = p.Overall;
            html.Append("<tr><td>").Append(PolicyFactory.Name(p.Policy)).Append("</td>");
            foreach (var v in new[] { o.EnergyMwh, o.CostYen / 1e6, o.LifecycleTonnes, o.DirectTonnes, o.CurtailmentAbsorbedMwh, p.StepsAnySiteOverLimit * result.World.StepHours,
                p.SiteStepsOverLimit, p.LateJobs, p.UnservedJobItMwh + p.InferenceUnservedItMwh + p.CurtailedJobItMwh, p.JobsMovedAway, p.EnergyByConnectionMwh[0], p.EnergyByConnectionMwh[1], p.EnergyByConnectionMwh[2] })
            {
                html.Append("<td>").Append(v.ToString("N0", s_inv)).Append("</td>");
            }

            html.Append("<td>").Append(FormattableString.Invariant($"{p.OrderStepsMet:N0} / {p.OrderStepsMissed:N0}")).Append("</td><td>")
                .Append(FormattableString.Invariant($"{p.JobsResumed:N0} / {p.JobsLostToOrders:N0}")).Append("</td><td>")
                .Append(FormattableString.Invariant($"{p.BatteryChargedMwh:N0} / {p.BatteryDischargedMwh:N0} ({p.BatteryCycles:0.#}; {p.BatteriesIdle:N0} idle of {p.Batteries:N0}; {p.BatteryLifecycleTonnes:N0} t, {p.BatteryCostYen / 1e6:N1} M JPY)")).Append("</td></tr>");
        }

        html.Append("</table><h3>What the numbers mean</h3><ul>");
        foreach (var (column, meaning) in ReportNotes.Meanings)
        {
            html.Append("<li><b>").Append(Enc(column)).Append("</b>: ").Append(Enc(meaning)).Append("</li>");
        }

        html.Append("</ul>");
        var why = ReportNotes.Why(result);
        if (why.Count > 0)
        {
            html.Append("<h3>Why</h3><ul>");
            foreach (var note in why)
            {
                html.Append("<li>").Append(Enc(note)).Append("</li>");
            }

            html.Append("</ul>");
        }

        BatterySection(html, result);
        if (BoundReport.Lines(result) is { Count: > 0 } bound)
        {
            html.Append("<h2>Against the perfect-foresight bound</h2><p>").Append(Enc(bound[0])).Append("</p><ul>");
            foreach (var line in bound.Skip(1))
            {
                html.Append("<li>").Append(Enc(line.Trim())).Append("</li>");
            }

            html.Append("</ul>");
        }

        GridSection(html, result);
        Image(html, plots, "comparison", "Change against the first policy", ReportPlots.Comparison(result));
        var week = SampleWeek(result);
        var shown = new[] { 0, result.Policies.Count - 1 }.Distinct();
        html.Append("<h2>Site power against its grid limit (the week with the most curtailment in its area)</h2>");
        foreach (var i in shown)
        {
            Image(html, plots, "site-week-" + PolicyFactory.Name(result.Policies[i].Policy), "site week", ReportPlots.SiteWeek(result, i, week));
        }

        html.Append("<h2>Curtailment absorbed by month</h2>");
        Image(html, plots, "curtailment-by-month", "curtailment by month", ReportPlots.CurtailmentByMonth(result));
        html.Append("<h2>Carbon and cost</h2>");
        Image(html, plots, "carbon-versus-cost", "carbon versus cost", ReportPlots.CarbonVersusCost(result));
        html.Append("<h2>Sites</h2>");
        Image(html, plots, "map", "map", ReportPlots.Map(result));

        html.Append("<h2>By area (lifecycle tCO2 / curtailment absorbed MWh)</h2><p>").Append(Enc(ReportNotes.AreaMeaning)).Append("</p><table><tr><th>area</th>");
        foreach (var p in result.Policies)
        {
            html.Append("<th>").Append(PolicyFactory.Name(p.Policy)).Append("</th>");
        }

        html.Append("</tr>");
        for (var a = 0; a < result.World.AreaCodes.Count; a++)
        {
            html.Append("<tr><td>").Append(result.World.AreaCodes[a]).Append("</td>");
            foreach (var p in result.Policies)
            {
                html.Append("<td>").Append(FormattableString.Invariant($"{p.ByArea[a].LifecycleTonnes:N0} / {p.ByArea[a].CurtailmentAbsorbedMwh:N0}")).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
        if (demandResponse is not null)
        {
            html.Append(DrReport.Html(demandResponse));
        }

        DataTable(html, result);
        html.Append("<p>Every metric is also in the CSV files next to this page: summary.csv, areas.csv, curtailment_by_month.csv, sites.csv, watch_site.csv, data_sources.csv; every plot is also in plots/ as SVG. ")
            .Append("See docs/simulation.md for what each policy does and how each metric is measured.</p></body></html>");
        return html.ToString();
    }

    /// <summary>Console lines on the grid: the lines that bind most and the ties moved load fills (empty without a layer or ties).</summary>
    /// <param name="result">The simulation result.</param>
    /// <param name="top">How many lines to list.</param>
    public static IReadOnlyList<string> GridLines(SimulationResult result, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lines = new List<string>();
        var binding = GridBinding.Lines(result);
        var reference = GridBinding.Reference(result);
        if (binding.Count > 0)
        {
            lines.Add(FormattableString.Invariant($"Lines that set site limits ({binding.Count}); most binding (hours {(reference is null ? "-" : PolicyFactory.Name(reference.Policy))} drew more than they allow, peak MW over):"));
            lines.AddRange(binding.Take(top).Select(b => FormattableString.Invariant($"  {b.Line} ({b.Sites} sites): {b.HoursBinding:N0} h, {b.PeakMwDeferred:N1} MW, {b.MwhDeferred:N0} MWh")));
        }

        var ties = GridBinding.Ties(result);
        if (ties.Count > 0)
        {
            var full = ties.Where(t => t.HoursAtCapacity.Any(h => h > 0)).ToList();
            var busiest = ties.MaxBy(t => t.PeakMw.Max() / t.UsableMw)!;
            lines.Add(full.Count == 0
                ? FormattableString.Invariant($"Ties: no tie at capacity under any policy (the fullest: {busiest.Tie} {busiest.From}→{busiest.To}, peak {busiest.PeakMw.Max():N0} of {busiest.UsableMw:N0} MW usable).")
                : FormattableString.Invariant($"Ties at capacity (hours per policy, {string.Join(" / ", result.Policies.Select(p => PolicyFactory.Name(p.Policy)))}):"));
            lines.AddRange(full.Select(t => FormattableString.Invariant($"  {t.Tie} {t.From}→{t.To} ({t.UsableMw:N0} MW usable): {string.Join(" / ", t.HoursAtCapacity.Select(h => h.ToString("N0", s_inv)))}")));
        }

        return lines;
    }

    // Which lines of the headroom layer and which ties bind, with what each column means.
    private static void GridSection(StringBuilder html, SimulationResult result)
    {
        var lines = GridBinding.Lines(result);
        var ties = GridBinding.Ties(result);
        if (lines.Count == 0 && ties.Count == 0)
        {
            return;
        }

        html.Append("<h2>Grid: lines and ties that bind</h2>");
        if (lines.Count > 0)
        {
            var reference = GridBinding.Reference(result);
            var honouring = GridBinding.Honouring(result);
            var refName = reference is null ? "(no policy blind to limits)" : PolicyFactory.Name(reference.Policy);
            html.Append("<p>").Append(Enc($"Site limits come from the {result.World.LimitsSource}. Where the substation's headroom, shared among its sites, is below a site's connection, "
                + $"the line that limits the substation in that hour limits the site. Hours binding: hours in which {refName} (the work where it arises) drew more than the line allows at one of its sites, "
                + "so the work had to go elsewhere or wait; peak MW deferred: the most it drew over in one step (its sites together); the product ranks reinforcement candidates. "
                + $"Hours at limit: hours in which {(honouring is null ? "a limit-honouring policy" : PolicyFactory.Name(honouring.Policy))} used a site's whole limit there."))
                .Append("</p><table><tr><th>line</th><th>substations</th><th>sites</th><th>hours limiting</th><th>hours binding</th><th>peak MW deferred</th><th>MWh deferred</th><th>binding hours × peak MW</th><th>hours at limit</th></tr>");
            foreach (var b in lines.Take(25))
            {
                var subs = b.Substations.Split(' ');
                html.Append("<tr><td>").Append(Enc(b.Line)).Append("</td><td>")
                    .Append(Enc(subs.Length <= 6 ? b.Substations : FormattableString.Invariant($"{string.Join(' ', subs.Take(6))} and {subs.Length - 6} more"))).Append("</td>")
                    .Append(FormattableString.Invariant($"<td>{b.Sites:N0}</td><td>{b.HoursLimiting:N0}</td><td>{b.HoursBinding:N0}</td><td>{b.PeakMwDeferred:N1}</td><td>{b.MwhDeferred:N0}</td><td>{b.Score:N0}</td><td>{b.HoursAtLimit:N0}</td></tr>"));
            }

            html.Append("</table>");
            if (lines.Count > 25)
            {
                html.Append(FormattableString.Invariant($"<p>{lines.Count - 25} more in binding_lines.csv.</p>"));
            }
        }

        if (ties.Count > 0)
        {
            html.Append("<p>").Append(Enc("Inter-area ties: job load run outside its home area is a transfer from the home area to the site's area along the fewest ties, "
                + "and must fit what the scenario lets moved load use of each tie (capacity × tie_share) in every hour under the limit-honouring policies; the others ignore it. "
                + "Each cell: peak MW moved / hours at capacity / hours over."))
                .Append("</p><table><tr><th>tie</th><th>direction</th><th>usable MW</th>");
            foreach (var p in result.Policies)
            {
                html.Append("<th>").Append(PolicyFactory.Name(p.Policy)).Append("</th>");
            }

            html.Append("</tr>");
            foreach (var t in ties.Where(t => t.PeakMw.Any(v => v > 1e-6)))
            {
                html.Append("<tr><td>").Append(Enc(t.Tie)).Append("</td><td>").Append(Enc($"{t.From}→{t.To}")).Append("</td>")
                    .Append(FormattableString.Invariant($"<td>{t.UsableMw:N0}</td>"));
                for (var i = 0; i < result.Policies.Count; i++)
                {
                    html.Append(FormattableString.Invariant($"<td>{t.PeakMw[i]:N0} / {t.HoursAtCapacity[i]:N0} / {t.HoursOver[i]:N0}</td>"));
                }

                html.Append("</tr>");
            }

            html.Append("</table>");
        }
    }

    private static IEnumerable<string> LinesCsv(SimulationResult result)
    {
        yield return "line,substations,sites,hours_limiting,hours_binding,peak_mw_deferred,mwh_deferred,binding_hours_x_peak_mw,hours_at_limit";
        foreach (var b in GridBinding.Lines(result))
        {
            yield return Row(b.Line, b.Substations, b.Sites, b.HoursLimiting, b.HoursBinding, Math.Round(b.PeakMwDeferred, 3), Math.Round(b.MwhDeferred, 1), Math.Round(b.Score, 1), b.HoursAtLimit);
        }
    }

    private static IEnumerable<string> TiesCsv(SimulationResult result)
    {
        yield return "policy,tie,from,to,usable_mw,peak_mw,hours_at_capacity,hours_over";
        foreach (var t in GridBinding.Ties(result))
        {
            for (var i = 0; i < result.Policies.Count; i++)
            {
                yield return Row(PolicyFactory.Name(result.Policies[i].Policy), t.Tie, t.From, t.To, t.UsableMw, Math.Round(t.PeakMw[i], 3), t.HoursAtCapacity[i], t.HoursOver[i]);
            }
        }
    }

    /// <summary>
    /// One line per policy that re-planned committed, not-started work (the scenario's <c>replan</c>; decisions 0232,
    /// 0233): the jobs handed back, how many of them were placed otherwise, and the plans made at price publications.
    /// Empty when the scenario does not re-plan.
    /// </summary>
    /// <param name="result">The simulation result.</param>
    public static IReadOnlyList<string> ReplanLines(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Scenario.Replan == ReplanMode.Off ? [] : [.. result.Policies.Where(p => p.Replacements > 0 || p.PublicationPlans > 0).Select(Replanning)];
    }

    private static string Replanning(PolicyResult p) => FormattableString.Invariant(
        $"Re-planning under {PolicyFactory.Name(p.Policy)}: {p.JobsReplanned:N0} jobs placed at one plan and not started by the next were placed again ({p.Replacements:N0} times in all), {p.JobsReplacedElsewhere:N0} of them otherwise than before")
        + (p.PublicationPlans > 0 ? FormattableString.Invariant($"; {p.PublicationPlans:N0} plans at price publications besides each midnight's") : string.Empty) + ".";

    /// <summary>One line per area and series: real, synthetic or the real share, with the real source.</summary>
    /// <param name="result">The simulation result.</param>
    public static IReadOnlyList<string> DataLines(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return [.. result.World.Sources.GroupBy(x => x.Area).Select(g => g.Key + ": " + string.Join(", ", g.Select(x => x.Series + " " + x.Label)))];
    }

    // Which series are real and which synthetic, per area.
    private static void DataTable(StringBuilder html, SimulationResult result)
    {
        var sources = result.World.Sources;
        var kinds = sources.Select(x => x.Series).Distinct().ToArray();
        html.Append("<h2>Data: real or synthetic</h2><p>Each area's series over the simulated period: <b>real</b> (every step from the source named below), ")
            .Append("<b>synthetic</b> (the calibrated synthetic reference year), or <b>real N %</b> (that share of the steps real, the rest synthetic). ")
            .Append(Enc($"Grid limits come from the {result.World.LimitsSource}.")).Append("</p><table><tr><th>area</th>");
        foreach (var k in kinds)
        {
            html.Append("<th>").Append(Enc(k)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var g in sources.GroupBy(x => x.Area))
        {
            html.Append("<tr><td>").Append(Enc(g.Key)).Append("</td>");
            foreach (var k in kinds)
            {
                html.Append("<td>").Append(Enc(g.FirstOrDefault(x => x.Series == k)?.Label ?? "")).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
        var named = sources.Where(x => x.Source.Length > 0).Select(x => x.Source).Distinct().ToArray();
        if (named.Length > 0)
        {
            html.Append("<p>Real sources: ").Append(Enc(string.Join("; ", named))).Append(".</p>");
        }
    }

    // What the policies planned on and its skill (decisions 0177, 0220), one quantity a row; a quantity that does not
    // apply (no quantiles, nothing published ahead) is left empty, not written as 0.
    private static IEnumerable<string> ForecastCsv(ForecastSkill skill)
    {
        yield return "quantity,value,unit";
        yield return Row("source", skill.Source, "");
        yield return Row("series", skill.Series, "");
        yield return Quantity("mae", skill.Mae);
        yield return Quantity("ar1_mae", skill.Ar1Mae);
        yield return Quantity("seasonal_naive_mae", skill.SeasonalNaiveMae);
        yield return Quantity("share_below_p10", skill.BelowP10, "share");
        yield return Quantity("share_below_p90", skill.BelowP90, "share");
        yield return Row("fallback_area_days", skill.FallbackDays, "area-days");
        yield return Row("published", skill.Published ?? "", "");
        yield return Quantity("planned_on_mae_48h", skill.PlannedOnMae);
        yield return Quantity("forecast_only_mae_48h", skill.ForecastOnlyMae);

        string Quantity(string name, double value, string? unit = null) =>
            Row(name, double.IsNaN(value) ? "" : Rounded(value), unit ?? skill.Series[(skill.Series.LastIndexOf(' ') + 1)..]);
    }

    private static IEnumerable<string> SourcesCsv(SimulationResult result)
    {
        yield return "area,series,label,real_steps,steps,source";
        foreach (var x in result.World.Sources)
        {
            yield return string.Join(',', x.Area, x.Series, x.Label, x.RealSteps.ToString(CultureInfo.InvariantCulture), x.Steps.ToString(CultureInfo.InvariantCulture), Csv.Escape(x.Source));
        }
    }

    // The batteries' measured effect per policy (decision 0179): the run against the same year without batteries.
    private static void BatterySection(StringBuilder html, SimulationResult result)
    {
        var fleet = BatteryReport.Fleet(result);
        if (fleet.Count == 0)
        {
            return;
        }

        html.Append(ForecastView.PublishesPrices(result.Scenario)
                ? "<h2>Batteries</h2><p>Each battery follows an LP per site and day on the day's published prices (known at its midnight): it charges only when a later (or earlier) "
                    + "hour's price after the round-trip losses beats the charging hour's, within the site's limit; a battery whose round trip never pays stays idle. "
                : "<h2>Batteries</h2><p>Each battery follows an LP per site and day on the forecast the policy plans on: it charges only when a later (or earlier) "
                    + "hour's value after the round-trip losses beats the charging hour's by the forecast-error margin, within the site's limit; a battery whose round trip never pays stays idle. ")
            .Append("Saved = the same year run without batteries less the run with them (positive = saved), so it includes fewer job stops under faults; ")
            .Append("the arbitrage alone is each battery's own grid energy at the actual price and intensity. Per battery: batteries.csv.</p>")
            .Append("<table><tr><th>policy</th><th>batteries</th><th>idle</th><th>MWh shifted</th><th>cycles</th><th>saved tCO2</th><th>saved M JPY</th><th>arbitrage alone tCO2</th><th>arbitrage alone M JPY</th><th>jobs stopped by orders (with / without)</th><th>late jobs (with / without)</th></tr>");
        foreach (var f in fleet)
        {
            html.Append("<tr><td>").Append(Enc(f.Policy)).Append("</td>").Append(FormattableString.Invariant(
                $"<td>{f.Batteries:N0}</td><td>{f.Idle:N0}</td><td>{f.ShiftedMwh:N0}</td><td>{f.Cycles:0.#}</td><td>{f.SavingTonnes:N0}</td><td>{f.SavingYen / 1e6:N1}</td><td>{f.ArbitrageTonnes:N0}</td><td>{f.ArbitrageYen / 1e6:N1}</td><td>{f.JobsStoppedWith:N0} / {f.JobsStoppedWithout:N0}</td><td>{f.LateJobsWith:N0} / {f.LateJobsWithout:N0}</td></tr>"));
        }

        html.Append("</table>");
    }

    // Embeds the PNG (the page stays self-contained) and writes the SVG to plots/NAME.svg beside it.
    private static void Image(StringBuilder html, string plots, string name, string alt, ReportFigure figure)
    {
        File.WriteAllText(Path.Combine(plots, name + ".svg"), figure.Svg, new UTF8Encoding(false));
        html.Append("<p><img alt=\"").Append(Enc(alt)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(figure.Png)).Append("\"></p>");
    }

    private static string Enc(string text) => WebUtility.HtmlEncode(text);

    private static IEnumerable<string> SummaryCsv(SimulationResult result)
    {
        yield return "policy,energy_mwh,cost_jpy,lifecycle_t,direct_t,curtailment_absorbed_mwh,site_steps_over_limit,hours_any_site_over_limit,late_jobs,late_it_mwh,unserved_jobs,unserved_job_it_mwh,inference_unserved_it_mwh,inference_miss_site_steps,served_it_mwh,jobs_moved,firm_mwh,provisional_mwh,flexible_mwh,curtailed_job_it_mwh,order_site_steps_met,order_site_steps_missed,jobs_resumed,jobs_lost_to_orders,battery_charged_mwh,battery_discharged_mwh,battery_energy_change_mwh,battery_cycles,batteries,batteries_idle,battery_lifecycle_t,battery_cost_jpy";
        foreach (var p in result.Policies)
        {
            var o = p.Overall;
            yield return Row(PolicyFactory.Name(p.Policy), o.EnergyMwh, o.CostYen, o.LifecycleTonnes, o.DirectTonnes, o.CurtailmentAbsorbedMwh, p.SiteStepsOverLimit,
                p.StepsAnySiteOverLimit * result.World.StepHours, p.LateJobs, p.LateItMwh, p.UnservedJobs, p.UnservedJobItMwh, p.InferenceUnservedItMwh,
                p.InferenceMissSteps, p.ServedItMwh, p.JobsMovedAway, p.EnergyByConnectionMwh[0], p.EnergyByConnectionMwh[1], p.EnergyByConnectionMwh[2],
                p.CurtailedJobItMwh, p.OrderStepsMet, p.OrderStepsMissed, p.JobsResumed, p.JobsLostToOrders, p.BatteryChargedMwh, p.BatteryDischargedMwh, p.BatteryEnergyChangeMwh, p.BatteryCycles, p.Batteries, p.BatteriesIdle, p.BatteryLifecycleTonnes, p.BatteryCostYen);
        }
    }

    private static IEnumerable<string> AreasCsv(SimulationResult result)
    {
        yield return "policy,area,energy_mwh,cost_jpy,lifecycle_t,direct_t,curtailment_absorbed_mwh";
        foreach (var p in result.Policies)
        {
            for (var a = 0; a < p.ByArea.Length; a++)
            {
                var t = p.ByArea[a];
                yield return Row(PolicyFactory.Name(p.Policy), result.World.AreaCodes[a], t.EnergyMwh, t.CostYen, t.LifecycleTonnes, t.DirectTonnes, t.CurtailmentAbsorbedMwh);
            }
        }
    }

    private static IEnumerable<string> MonthlyCsv(SimulationResult result)
    {
        yield return "policy,month,curtailment_absorbed_mwh";
        foreach (var p in result.Policies)
        {
            for (var m = 0; m < 12; m++)
            {
                yield return Row(PolicyFactory.Name(p.Policy), m + 1, p.CurtailmentAbsorbedByMonthMwh[m]);
            }
        }
    }

    private static IEnumerable<string> SitesCsv(SimulationResult result)
    {
        yield return "policy,site,area,lat,lon,it_mw,pue,connection,energy_mwh";
        foreach (var p in result.Policies)
        {
            for (var s = 0; s < p.SiteEnergyMwh.Length; s++)
            {
                var site = result.Scenario.Sites[s];
                yield return Row(PolicyFactory.Name(p.Policy), site.Id, site.Area.Code, site.Location.Latitude, site.Location.Longitude, site.ItMw, site.Pue,
                    s_kinds[(int)site.Connection.Kind], p.SiteEnergyMwh[s]);
            }
        }
    }

    private static IEnumerable<string> WatchCsv(SimulationResult result)
    {
        var world = result.World;
        yield return "policy,site,time,limit_mw,batch_it_mw,training_it_mw,backup_it_mw,inference_it_mw";
        foreach (var p in result.Policies)
        {
            var id = result.Scenario.Sites[p.WatchSite].Id;
            for (var t = 0; t < world.Steps; t++)
            {
                yield return Row(PolicyFactory.Name(p.Policy), id, Iso8601.Format(world.TimeAt(t)), world.LimitMw[p.WatchSite][t],
                    p.WatchStack[0][t], p.WatchStack[1][t], p.WatchStack[2][t], p.WatchStack[3][t]);
            }
        }
    }

    private static string Row(params object[] values) => string.Join(',', values.Select(v => v switch
    {
        string s => Csv.Escape(s),
        double d => Rounded(d),
        IFormattable f => f.ToString(null, s_inv),
        _ => Csv.Escape(v.ToString() ?? string.Empty),
    }));

    /// <summary>
    /// A CSV number rounded to the digits that mean something at the report's scale: about seven significant digits and
    /// never more than three decimals (1,234,567.8 MWh → 1234568; 12.3456 MW → 12.346; 0.00004 → 0), no exponent.
    /// </summary>
    /// <param name="value">The value.</param>
    public static string Rounded(double value)
    {
        if (!double.IsFinite(value))
        {
            return value.ToString(s_inv);
        }

        var magnitude = value == 0 ? 0 : (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var decimals = Math.Clamp(6 - magnitude, 0, 3);
        var text = Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString(decimals == 0 ? "0" : "0." + new string('#', decimals), s_inv);
        return text == "-0" ? "0" : text;
    }

    private static void WriteCsv(string path, IEnumerable<string> lines) => File.WriteAllLines(path, lines, new UTF8Encoding(false));
}
