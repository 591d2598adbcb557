using System.Globalization;
using System.Net;
using System.Text;
using ScottPlot;
using WattBit.Simulation.Reporting;

namespace WattBit.Simulation.Roadmap;

/// <summary>The roadmap's console lines, CSV files and HTML report with its plot. Stateless.</summary>
public static class RoadmapReport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>One line per cluster: when it runs out, with and without shifting, the line that binds and the reinforcement needed.</summary>
    /// <param name="result">The result.</param>
    public static IReadOnlyList<string> Lines(RoadmapResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var last = result.Scenario.LastYear;
        return [.. result.RunOut.Select(r => r.FirstShortYear is not { } y
            ? FormattableString.Invariant($"{r.Cluster} ({r.Area}, {r.Substation}): fits every hour up to {last} without shifting.")
            : FormattableString.Invariant($"{r.Cluster} ({r.Area}, {r.Substation}): runs out in {y} ({r.Line ?? "line not named"}); with shifting {(r.FirstShortShiftedYear is { } s ? s.ToString(s_inv) : $"not by {last}")} ({Deferred(r, last)}); reinforcement needed by {last}: {r.ReinforcementMw:N0} MW, {r.ReinforcementShiftedMw:N0} MW with shifting."))];
    }

    /// <summary>Writes report.html, roadmap.csv, run_out.csv and plots/roadmap.svg into <paramref name="folder"/>; returns the report's path.</summary>
    /// <param name="result">The result.</param>
    /// <param name="folder">The output folder (created).</param>
    public static string Write(RoadmapResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(Path.Combine(folder, "plots"));
        var csv = new StringBuilder("cluster,year,load_mw,room_min_mw,short_mwh,short_shifted_mwh,peak_short_mw,peak_short_shifted_mw,limiting_line\n");
        foreach (var y in result.Years)
        {
            csv.Append(FormattableString.Invariant($"{y.Cluster},{y.Year},{y.LoadMw:0.#},{y.RoomMinMw:0.#},{y.ShortMwh:0},{y.ShortShiftedMwh:0},{y.PeakShortMw:0.#},{y.PeakShortShiftedMw:0.#},{Csv(y.Line)}\n"));
        }

        File.WriteAllText(Path.Combine(folder, "roadmap.csv"), csv.ToString());
        var last = result.Scenario.LastYear;
        var runOut = new StringBuilder("cluster,area,substation,runs_out,runs_out_with_shifting,years_deferred,limiting_line,reinforcement_mw,reinforcement_shifted_mw\n");
        foreach (var r in result.RunOut)
        {
            runOut.Append(FormattableString.Invariant($"{r.Cluster},{r.Area},{Csv(r.Substation)},{r.FirstShortYear},{r.FirstShortShiftedYear},{r.YearsDeferred(last)},{Csv(r.Line)},{r.ReinforcementMw:0},{r.ReinforcementShiftedMw:0}\n"));
        }

        File.WriteAllText(Path.Combine(folder, "run_out.csv"), runOut.ToString());
        var figure = Plot(result);
        File.WriteAllText(Path.Combine(folder, "plots", "roadmap.svg"), figure.Svg);
        var s = result.Scenario;
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>WattBit roadmap: ").Append(Enc(s.Name)).Append("</title>")
            .Append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}img{max-width:100%}</style></head><body>")
            .Append("<h1>").Append(Enc(s.Name)).Append("</h1><p>")
            .Append(Enc(FormattableString.Invariant($"{s.FirstYear}-{s.LastYear}: {s.Clusters.Count} clusters growing on the grid of FY{s.FiscalYear} ({result.LayerSource}), judged on {s.Weeks.Count} representative weeks ({string.Join(", ", s.Weeks.Select(w => w.ToString("yyyy-MM-dd", s_inv)))}) at the {(s.N0 ? "N-0 headroom (the clusters accept the N-1 curtailment device, ③)" : "N-1 secure headroom")} of each cluster's substation, with {s.Reinforcements.Count} reinforcements at stated years. Shifting: {s.FlexibleShare:P0} of each day's energy may move within the day to hours with room, up to {s.PeakFactor:0.##}× the average load; the rest must fit every hour. The base grid's own demand does not grow.")))
            .Append("</p><h2>Where and when the grid runs out first</h2><table><tr><th>cluster</th><th>area</th><th>substation</th><th>runs out (no shifting)</th><th>with shifting</th><th>years deferred</th><th>line that binds first</th><th>reinforcement needed by ").Append(last).Append(", MW</th><th>with shifting, MW</th></tr>");
        foreach (var r in result.RunOut.OrderBy(r => r.FirstShortYear ?? int.MaxValue).ThenBy(r => r.Cluster, StringComparer.Ordinal))
        {
            html.Append(FormattableString.Invariant($"<tr><td>{Enc(r.Cluster)}</td><td>{r.Area}</td><td>{Enc(r.Substation)}</td><td>{(r.FirstShortYear is { } y ? y.ToString(s_inv) : "—")}</td><td>{(r.FirstShortShiftedYear is { } z ? z.ToString(s_inv) : $"not by {last}")}</td><td>{Enc(Deferred(r, last))}</td><td>{Enc(r.Line ?? "—")}</td><td>{r.ReinforcementMw:N0}</td><td>{r.ReinforcementShiftedMw:N0}</td></tr>"));
        }

        html.Append("</table><p>Runs out: the first year in which the cluster's load is above its share of the substation's secure headroom in some hour of the representative weeks. Reinforcement needed: the most MW over it in one hour (with shifting: the firm part's largest excess plus the day's unplaceable flexible energy spread over 24 h).</p>")
            .Append("<h2>Reinforcement needed, by year</h2><img alt=\"reinforcement needed by year\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(figure.Png)).Append("\">")
            .Append("<h2>Clusters and reinforcements</h2><ul>");
        foreach (var c in s.Clusters)
        {
            html.Append("<li><b>").Append(Enc(c.Id)).Append("</b> (").Append(c.Area.Code).Append("): ")
                .Append(Enc(string.Join(", ", c.LoadByYear.Select(p => FormattableString.Invariant($"{p.Year} {p.Mw:N0} MW"))))).Append(". ").Append(Enc(c.Note)).Append("</li>");
        }

        foreach (var r in s.Reinforcements)
        {
            html.Append("<li>").Append(Enc(FormattableString.Invariant($"+{r.Mw:N0} MW at {r.Cluster}'s substation from {r.FromYear}: {r.Note}"))).Append("</li>");
        }

        html.Append("</ul><p>CSV: roadmap.csv (every cluster and year), run_out.csv; the plot as SVG in plots/.</p></body></html>");
        var path = Path.Combine(folder, "report.html");
        File.WriteAllText(path, html.ToString());
        return path;
    }

    private static ReportFigure Plot(RoadmapResult result)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var group in result.Years.GroupBy(y => y.Cluster))
        {
            var xs = group.Select(y => (double)y.Year).ToArray();
            var color = palette.GetColor(i++);
            var plain = plot.Add.Scatter(xs, group.Select(y => y.PeakShortMw).ToArray(), color);
            plain.LegendText = $"{group.Key}: no shifting";
            var shifted = plot.Add.Scatter(xs, group.Select(y => y.PeakShortShiftedMw).ToArray(), color);
            shifted.MarkerShape = MarkerShape.OpenCircle;
            shifted.MarkerSize = 8;
            shifted.LegendText = $"{group.Key}: with shifting";
        }

        var years = Enumerable.Range(result.Scenario.FirstYear, result.Scenario.LastYear - result.Scenario.FirstYear + 1).ToArray();
        plot.Axes.Bottom.SetTicks([.. years.Select(y => (double)y)], [.. years.Select(y => y.ToString(s_inv))]);
        plot.ShowLegend(Edge.Right);
        plot.Title("Reinforcement needed at each cluster's substation");
        plot.XLabel("year");
        plot.YLabel(result.Scenario.N0 ? "MW over the N-0 headroom" : "MW over the secure headroom");
        return ReportFigure.Render(plot, 1000, 460);
    }

    private static string Deferred(RoadmapRunOut r, int last) => r.YearsDeferred(last) is not { } d ? "never short"
        : r.FirstShortShiftedYear is null ? FormattableString.Invariant($"≥ {d} years") : FormattableString.Invariant($"{d} years");

    private static string Csv(string? text) => text is null ? "" : text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal) ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
