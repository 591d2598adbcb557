using System.Globalization;
using System.Net;
using System.Text;
using ScottPlot;
using WattBit.Formats;
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
            : FormattableString.Invariant($"{r.Cluster} ({r.Area}, {r.Substation}): runs out in {y} ({r.Line ?? "line not named"}); with shifting {(r.FirstShortShiftedYear is { } s ? s.ToString(s_inv) : $"not by {last}")} ({Deferred(r, last)}); reinforcement needed by {last}: {r.ReinforcementMw:N0} MW, {r.ReinforcementShiftedMw:N0} MW with shifting.{(Uprate(r) is { } u ? $" To defer it one year: {u}." : "")}"))];
    }

    /// <summary>Writes report.html, roadmap.csv, run_out.csv, ties.csv (with moves) and plots/run_out.svg and plots/roadmap.svg into <paramref name="folder"/>; returns the report's path.</summary>
    /// <param name="result">The result.</param>
    /// <param name="folder">The output folder (created).</param>
    public static string Write(RoadmapResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(Path.Combine(folder, "plots"));
        var s = result.Scenario;
        var last = s.LastYear;
        var csv = new StringBuilder("cluster,year,load_mw,in_grid_mw,room_min_mw,short_mwh,short_in_day_mwh,short_shifted_mwh,moved_mwh,peak_short_mw,peak_short_shifted_mw,limiting_line,line_short_mw,line_short_at_least,room_signed_min_mw,line_over_mw\n");
        foreach (var y in result.Years)
        {
            csv.Append(Csv.Escape(y.Cluster)).Append(',').Append(y.Year.ToString(s_inv)).Append(',')
                .AppendJoin(',', new[] { y.LoadMw, y.InGridMw, y.RoomMinMw, y.ShortMwh, y.ShortInDayMwh, y.ShortShiftedMwh, y.MovedMwh, y.PeakShortMw, y.PeakShortShiftedMw }.Select(Mw))
                .Append(',').Append(Csv.Escape(y.Line ?? "")).Append(',').Append(MwOrEmpty(y.LineShortMw)).Append(',').Append(y.LineShortAtLeast ? "true" : "false").Append(',').Append(MwOrEmpty(y.RoomSignedMinMw)).Append(',').Append(MwOrEmpty(y.LineOverMw)).Append('\n');
        }

        File.WriteAllText(Path.Combine(folder, "roadmap.csv"), csv.ToString());
        var runOut = new StringBuilder("cluster,area,substation,runs_out,runs_out_shifting_in_day,runs_out_with_shifting,years_deferred,limiting_line,reinforcement_mw,reinforcement_shifted_mw,room_gained_mw,line_uprate_mw,line_uprate_at_least,uprate_line,other_lines\n");
        foreach (var r in result.RunOut)
        {
            runOut.Append(FormattableString.Invariant($"{Csv.Escape(r.Cluster)},{r.Area},{Csv.Escape(r.Substation)},{r.FirstShortYear},{r.FirstShortInDayYear},{r.FirstShortShiftedYear},{r.YearsDeferred(last)},{Csv.Escape(r.Line ?? "")},{Mw(r.ReinforcementMw)},{Mw(r.ReinforcementShiftedMw)},{Mw(r.RoomGainedMw)},{MwOrEmpty(r.LineUprateRoundedUp(1))},{(r.LineUprateAtLeast ? "true" : "false")},{Csv.Escape(r.UprateLine ?? "")},{Csv.Escape(OtherLines(r.OtherLinesOrEmpty))}\n"));
        }

        File.WriteAllText(Path.Combine(folder, "run_out.csv"), runOut.ToString());
        if (s.Moves)
        {
            var ties = new StringBuilder("tie,from,to,year,capacity_mw,usable_mw,usable_from,peak_moved_mw,hours_binding\n");
            foreach (var t in result.TieYears)
            {
                ties.Append(FormattableString.Invariant($"{Csv.Escape(t.Tie)},{t.From},{t.To},{t.Year},{Mw(t.CapacityMw)},{Mw(t.UsableMw)},{t.UsableFrom},{Mw(t.PeakMovedMw)},{t.HoursBinding}\n"));
            }

            File.WriteAllText(Path.Combine(folder, "ties.csv"), ties.ToString());
        }

        var timeline = Timeline(result);
        var figure = Plot(result);
        File.WriteAllText(Path.Combine(folder, "plots", "run_out.svg"), timeline.Svg);
        File.WriteAllText(Path.Combine(folder, "plots", "roadmap.svg"), figure.Svg);
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>WattBit roadmap: ").Append(Enc(s.Name)).Append("</title>")
            .Append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}img{max-width:100%}p.note{font-size:14px;color:#444}</style></head><body>")
            .Append("<h1>").Append(Enc(s.Name)).Append("</h1><p>")
            .Append(Enc(FormattableString.Invariant($"{s.FirstYear}-{s.LastYear}: {s.Clusters.Count} data-centre clusters growing on the grid of FY{s.FiscalYear} ({result.LayerSource}), judged on {WeeksText(s)} ({s.Weeks.Count * 168:N0} hours a year) at the {(s.N0 ? "N-0 headroom (the clusters accept the N-1 curtailment device, ③)" : "N-1 secure headroom")} of each cluster's substation. ")))
            .Append(Enc(GridText(s))).Append(' ')
            .Append(Enc(FormattableString.Invariant($"Shifting: {s.FlexibleShare:P0} of each cluster's daily energy may move to other hours of the day with room, up to {s.PeakFactor:0.##}× its average load{(s.Moves ? FormattableString.Invariant($", and to the clusters of other areas over the inter-area ties, each direction of an AC tie carrying at most its capacity less its own modelled flow in each hour, of a converter or HVDC link {(s.ObservedConverterFlows ? "its capacity less its own flow that way as OCCTO observed it (mean by hour of day)" : FormattableString.Invariant($"{s.TieShare:P0} of its capacity"))}") : "")}; the rest must fit every hour at home.")))
            .Append("</p><h2>Where and when the grid runs out first</h2><table><tr><th>cluster</th><th>area</th><th>substation</th><th>runs out without shifting</th>")
            .Append(s.Moves ? "<th>shifting within the day</th><th>shifting and moves between areas</th>" : "<th>with shifting</th>")
            .Append("<th>years deferred</th><th>line that binds first</th><th>to defer it one year</th><th>reinforcement needed by ").Append(last).Append(", MW</th><th>with shifting, MW</th><th>room gained by shifting, MW</th></tr>");
        foreach (var r in result.RunOut.OrderBy(r => r.FirstShortYear ?? int.MaxValue).ThenBy(r => r.Cluster, StringComparer.Ordinal))
        {
            html.Append(FormattableString.Invariant($"<tr><td>{Enc(r.Cluster)}</td><td>{r.Area}</td><td>{Enc(r.Substation)}</td><td>{YearText(r.FirstShortYear, last)}</td>"));
            if (s.Moves)
            {
                html.Append(FormattableString.Invariant($"<td>{YearText(r.FirstShortInDayYear, last)}</td>"));
            }

            html.Append(FormattableString.Invariant($"<td>{YearText(r.FirstShortShiftedYear, last)}</td><td>{Enc(Deferred(r, last))}</td><td>{Enc(r.Line ?? "—")}</td><td style=\"text-align:left\">{Enc(Uprate(r) ?? "—")}</td><td>{r.ReinforcementMw:N0}</td><td>{r.ReinforcementShiftedMw:N0}</td><td>{r.RoomGainedMw:N0}</td></tr>"));
        }

        html.Append("</table><p class=\"note\">").Append(Enc(FormattableString.Invariant(
                $"Runs out: the first year in which the cluster's load is above its share of its substation's {(s.N0 ? "N-0" : "secure (N-1)")} headroom in at least one hour of the weeks studied (\"—\": it fits every hour up to {last}). With shifting: the first year in which the part that cannot shift does not fit some hour, or some day's flexible energy finds no hour{(s.Moves ? " or cluster" : "")} with room. Years deferred: with shifting minus without (\"≥ n\" when shifting keeps it inside to {last}). Line that binds first: the OCCTO line (circuit) that limits the headroom in the worst hour of the first year over; it is the line of the {(s.N0 ? "N-0" : "secure")} headroom. To defer it one year: by how much that line's rating would have to rise, by the run-out year, for the load to fit every hour it limits (the substation's MW over its room × the line's flow per MW added there under the limiting outage, from the grid engine; where the room is already 0, the line named is the one most over its limit per MW of the substation's load, and the MW it is over count too (the headroom below 0, decision 0234); \"at least\" only where the layer stops at 0; where other lines set the room in other hours over it, the column names them, since that uprate alone then does not defer the run-out). Reinforcement needed: the most MW over the room in one hour in {last} (with shifting: the firm part's largest excess plus the day's energy that found no room, spread over 24 h); room gained: the difference, the reinforcement shifting avoids.")))
            .Append("</p>");
        foreach (var why in Why(result))
        {
            html.Append("<p class=\"note\"><b>Why:</b> ").Append(Enc(why)).Append("</p>");
        }

        LineTable(html, result);
        html.Append("<img alt=\"when each cluster runs out, with and without shifting\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(timeline.Png)).Append("\">");
        if (s.Moves)
        {
            TieTable(html, result);
        }

        html.Append("<h2>Reinforcement needed, by year</h2><p class=\"note\">The most MW by which a cluster's load is over its share of the room in one hour of the year's weeks studied (filled: without shifting; open: with shifting). Zero: it fits.</p><img alt=\"reinforcement needed by year\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(figure.Png)).Append("\">")
            .Append("<h2>Clusters, the grid's changes and reinforcements</h2><ul>");
        foreach (var c in s.Clusters)
        {
            html.Append("<li><b>").Append(Enc(c.Id)).Append("</b> (").Append(c.Area.Code).Append("): ")
                .Append(Enc(string.Join(", ", c.LoadByYear.Select(p => FormattableString.Invariant($"{p.Year} {p.Mw:N0} MW"))))).Append(". ").Append(Enc(c.Note)).Append("</li>");
        }

        foreach (var t in s.Ties)
        {
            html.Append("<li>").Append(Enc(FormattableString.Invariant($"{t.Tie}: {t.CapacityMw:N0} MW from {t.FromYear} ({StatedTie}). {t.Note}"))).Append("</li>");
        }

        if (s.Growth.Grows)
        {
            html.Append("<li>").Append(Enc(FormattableString.Invariant($"Base demand, % a year: {string.Join(", ", s.Growth.PercentByArea.Select(p => FormattableString.Invariant($"{p.Key} {p.Value:+0.0#;−0.0#;0}")))}, other areas {s.Growth.DefaultPercent:+0.0#;−0.0#;0}. {s.Growth.Note}"))).Append("</li>");
        }

        foreach (var r in s.Reinforcements)
        {
            html.Append("<li>").Append(Enc($"{r.Describe()}: {r.Note}")).Append("</li>");
        }

        html.Append("</ul><p>CSV: roadmap.csv (every cluster and year: load, least room, MWh over without and with shifting, MWh moved to other areas, MW over), run_out.csv")
            .Append(s.Moves ? ", ties.csv (every tie direction and year: capacity, what moved work may use, peak moved MW, hours binding)" : "")
            .Append("; the plots as SVG in plots/.</p></body></html>");
        var path = Path.Combine(folder, "report.html");
        File.WriteAllText(path, html.ToString());
        return path;
    }

    /// <summary>Short explanations of results a reader may find surprising, computed from the result.</summary>
    /// <param name="result">The result.</param>
    public static IReadOnlyList<string> Why(RoadmapResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Scenario;
        var notes = new List<string>();
        foreach (var r in result.RunOut.Where(r => r.FirstShortYear is { } y && r.FirstShortShiftedYear == y))
        {
            var year = result.Years.First(x => x.Cluster == r.Cluster && x.Year == r.FirstShortYear);
            var firm = (1 - s.FlexibleShare) * year.LoadMw;
            notes.Add(firm > year.RoomMinMw + 1e-6
                ? FormattableString.Invariant($"shifting does not defer {r.Cluster}: in {year.Year} even the {1 - s.FlexibleShare:P0} of its {year.LoadMw:N0} MW that cannot shift ({firm:N0} MW) is above its room in the tightest hour ({year.RoomMinMw:N0} MW{BelowZero(year)}); shifting still cuts the reinforcement it needs by {r.ReinforcementMw:N0} − {r.ReinforcementShiftedMw:N0} MW in {s.LastYear}.")
                : FormattableString.Invariant($"shifting does not defer {r.Cluster}: in {year.Year} the part that cannot shift fits, but some day's flexible energy finds too few hours with room{(s.Moves ? " at home or over the ties" : "")}."));
        }

        if (s.Moves)
        {
            foreach (var r in result.RunOut.Where(r => r.FirstShortInDayYear is { } a && (r.FirstShortShiftedYear ?? s.LastYear + 1) > a))
            {
                var moved = result.Years.Where(x => x.Cluster == r.Cluster).Sum(x => x.MovedMwh);
                notes.Add(FormattableString.Invariant($"moves between areas help {r.Cluster}: shifting within the day alone runs out in {r.FirstShortInDayYear}, with moves {YearPlain(r.FirstShortShiftedYear, s.LastYear)}; its work run in other areas adds up to {moved:N0} MWh over the weeks studied, all years together."));
            }

            var first = result.TieYears.Where(t => t.HoursBinding > 0).OrderBy(t => t.Year).ThenByDescending(t => t.HoursBinding).FirstOrDefault();
            if (first is not null)
            {
                notes.Add(FormattableString.Invariant($"the first tie to limit the moves is {first.Tie} {first.From}→{first.To} in {first.Year} ({first.HoursBinding:N0} h at its usable {first.UsableMw:N0} MW): beyond it the receiving areas still had room."));
            }
        }

        if (s.Growth.Grows)
        {
            notes.Add("the base grid's own demand grows, so a cluster's room shrinks every year even where no cluster grows; a cluster can run out in a year its own load stays flat.");
        }

        return notes;
    }

    /// <summary>The lines that limit a cluster's room in its worst hour of a year it is over, in the order they first bind.</summary>
    /// <param name="result">The result.</param>
    public static IReadOnlyList<(string Line, int FirstYear, IReadOnlyList<(string Cluster, int From, int To)> Clusters)> BindingLines(RoadmapResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return [.. result.Years.Where(y => y.ShortMwh > 1e-3 && y.Line is not null)
            .GroupBy(y => y.Line!, StringComparer.Ordinal)
            .Select(g => (Line: g.Key, FirstYear: g.Min(y => y.Year),
                Clusters: (IReadOnlyList<(string, int, int)>)[.. g.GroupBy(y => y.Cluster, StringComparer.Ordinal).Select(c => (c.Key, c.Min(y => y.Year), c.Max(y => y.Year)))]))
            .OrderBy(l => l.FirstYear).ThenBy(l => l.Line, StringComparer.Ordinal)];
    }

    private static void LineTable(StringBuilder html, RoadmapResult result)
    {
        var lines = BindingLines(result);
        if (lines.Count == 0)
        {
            return;
        }

        html.Append("<h2>Lines that bind, in the order they first bind</h2><table><tr><th>line (OCCTO name, circuit)</th><th>first year</th><th>clusters it limits (years)</th></tr>");
        foreach (var (line, first, clusters) in lines)
        {
            html.Append(FormattableString.Invariant($"<tr><td>{Enc(line)}</td><td>{first}</td><td style=\"text-align:left\">{Enc(string.Join(", ", clusters.Select(c => c.From == c.To ? FormattableString.Invariant($"{c.Cluster} ({c.From})") : FormattableString.Invariant($"{c.Cluster} ({c.From}-{c.To})"))))}</td></tr>"));
        }

        html.Append("</table><p class=\"note\">").Append(Enc(
            "A line binds a cluster in a year when it limits the substation's headroom in the hour that cluster is furthest over its share of it, without shifting (the reinforcement the year needs is on that line or behind it). The years are the first and last in which it does; a tie change or a growing demand elsewhere can hand the limit to another line."))
            .Append("</p>");
    }

    private static void TieTable(StringBuilder html, RoadmapResult result)
    {
        var s = result.Scenario;
        html.Append("<h2>Ties that limit the moves between areas</h2><table><tr><th>tie (OCCTO)</th><th>direction</th><th>capacity ").Append(s.FirstYear).Append(" → ").Append(s.LastYear)
            .Append(", MW</th><th>usable by moved work, MW (mean, last year)</th><th>first year it binds</th><th>hours binding that year</th><th>most moved in one hour, MW (any year)</th></tr>");
        foreach (var g in result.TieYears.GroupBy(t => (t.Tie, t.From, t.To))
            .Select(g => (Key: g.Key, Years: g.ToList(), First: g.FirstOrDefault(t => t.HoursBinding > 0), Peak: g.Max(t => t.PeakMovedMw)))
            .Where(g => g.Peak > 1e-6 || g.First is not null)
            .OrderBy(g => g.First?.Year ?? int.MaxValue).ThenByDescending(g => g.Peak))
        {
            html.Append(FormattableString.Invariant($"<tr><td>{Enc(g.Key.Tie)}</td><td>{g.Key.From}→{g.Key.To}</td><td>{g.Years[0].CapacityMw:N0} → {g.Years[^1].CapacityMw:N0}{(s.Ties.Any(t => t.Tie == g.Key.Tie) ? " *" : "")}</td><td>{g.Years[^1].UsableMw:N0}</td><td>{(g.First is { } f ? f.Year.ToString(s_inv) : "—")}</td><td>{(g.First is { } h ? h.HoursBinding.ToString("N0", s_inv) : "—")}</td><td>{g.Peak:N0}</td></tr>"));
        }

        html.Append("</table><p class=\"note\">").Append(Enc(FormattableString.Invariant(
            $"Only the tie directions that carried moved work are listed. *: the capacity changes at a year the roadmap file states ({StatedTie}; decision 0228). Binds: in that hour the tie was full and on the minimum cut of a day whose flexible work did not all fit (more capacity there would have placed more). Usable: for an AC tie, its capacity that year less its own flow that way in the grid model, hour by hour (more against a counterflow; the mean is shown); for converters and HVDC links, fixed set-points in the model, {(s.ObservedConverterFlows ? "the capacity less the tie's own flow that way as OCCTO observed it, the mean by JST hour of day over the days in ../shared/data/japan/occto (decision 0211; the tie share where no observation is found)" : FormattableString.Invariant($"the capacity × {s.TieShare:P0} (tie_share, an assumption of the roadmap)"))}. A tie that never binds had room to spare; the clusters were short of room, not of ties.")))
            .Append("</p>");
    }

    private static string WeeksText(RoadmapScenario s) => s.Weeks.Count > 8
        ? FormattableString.Invariant($"{s.Weeks.Count} weeks from {s.Weeks[0]:yyyy-MM-dd} to {s.Weeks[^1].AddDays(7):yyyy-MM-dd}")
        : FormattableString.Invariant($"{s.Weeks.Count} representative weeks ({string.Join(", ", s.Weeks.Select(w => w.ToString("yyyy-MM-dd", s_inv)))})");

    private static string GridText(RoadmapScenario s)
    {
        var parts = new List<string>();
        if (s.Growth.Grows)
        {
            parts.Add(FormattableString.Invariant($"the base grid's own demand grows each year by each area's rate (the grid model is rerun per year with its loads grown: {s.Growth.Factor("TK", s.FiscalYear, s.LastYear):0.###}× in Tokyo by {s.LastYear})"));
        }
        else
        {
            parts.Add("the base grid's own demand does not grow");
        }

        if (s.Ties.Count > 0)
        {
            parts.Add(FormattableString.Invariant($"{s.Ties.Count} tie changes come in at stated years (AC ties: their ratings in the grid model; converters and HVDC links: the capacity moves may use)"));
        }

        var supplies = s.Reinforcements.Count(r => !r.IsLine);
        if (supplies > 0)
        {
            parts.Add(FormattableString.Invariant($"{supplies} reinforcement{(supplies == 1 ? "" : "s")} add MW at the clusters' substations (a local supply or firm connection, not a line of the grid model)"));
        }

        var lines = s.Reinforcements.Count - supplies;
        if (lines > 0)
        {
            parts.Add(FormattableString.Invariant($"{lines} line reinforcement{(lines == 1 ? "" : "s")} (uprates, new lines) change the grid model from their years, so N-0 and every N-1 flow see them (decision 0226)"));
        }

        parts.Add(s.GridLoads switch
        {
            RoadmapGridLoads.Clusters => "the clusters' own flat loads (less the stated reinforcements in service) are in each year's grid model, so a cluster's room is what the lines leave beside the clusters of every other substation: two clusters behind one line share it, and the first line to bind is named for both (decision 0210)",
            RoadmapGridLoads.Needed => "the clusters' own flat loads are in each year's grid model less the stated reinforcements and less the reinforcement each cluster was found to need in an earlier year (taken as built, so the others are judged on the lines as reinforced): two clusters behind one line share it (decision 0210)",
            _ => "each substation's room is the base grid's alone: clusters at other substations do not take it, even behind one line",
        });

        var text = string.Join("; ", parts) + ".";
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    private static ReportFigure Timeline(RoadmapResult result)
    {
        var s = result.Scenario;
        var plot = new Plot();
        var rows = result.RunOut.ToList();
        var end = s.LastYear + 1;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            double yPos = rows.Count - i;
            var without = r.FirstShortYear ?? end;
            var with = r.FirstShortShiftedYear ?? end;
            var bar = plot.Add.Line(without, yPos, with, yPos);
            bar.LineWidth = 6;
            bar.Color = Colors.Green.WithAlpha(0.45);
            // The open circle is drawn larger and after the square, so both show when the years are the same.
            var m1 = plot.Add.Marker(without, yPos, MarkerShape.FilledSquare, 11, Colors.DarkRed);
            var m2 = plot.Add.Marker(with, yPos, MarkerShape.OpenCircle, 20, Colors.Blue);
            m2.MarkerLineWidth = 2;
            if (i == 0)
            {
                bar.LegendText = "years deferred by shifting";
                m1.LegendText = "runs out without shifting";
                m2.LegendText = "with shifting";
            }
        }

        var years = Enumerable.Range(s.FirstYear, end - s.FirstYear + 1).ToArray();
        plot.Axes.Bottom.SetTicks([.. years.Select(y => (double)y)], [.. years.Select(y => y == end ? FormattableString.Invariant($"> {s.LastYear}") : y.ToString(s_inv))]);
        plot.Axes.Left.SetTicks([.. rows.Select((_, i) => (double)(rows.Count - i))], [.. rows.Select(r => $"{r.Cluster} ({r.Area})")]);
        plot.Axes.SetLimits(s.FirstYear - 0.5, end + 0.5, 0.4, rows.Count + 0.6);
        plot.ShowLegend(Edge.Right);
        plot.Title("When each cluster's substation runs out of room");
        plot.XLabel(FormattableString.Invariant($"first year over the limit (> {s.LastYear}: fits every hour to {s.LastYear})"));
        return ReportFigure.Render(plot, 1000, 120 + (60 * rows.Count));
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
            shifted.LinePattern = LinePattern.Dashed;
            shifted.LegendText = $"{group.Key}: with shifting";
        }

        var years = Enumerable.Range(result.Scenario.FirstYear, result.Scenario.LastYear - result.Scenario.FirstYear + 1).ToArray();
        plot.Axes.Bottom.SetTicks([.. years.Select(y => (double)y)], [.. years.Select(y => y.ToString(s_inv))]);
        plot.ShowLegend(Edge.Right);
        plot.Title("Reinforcement needed at each cluster's substation");
        plot.XLabel("year");
        plot.YLabel(result.Scenario.N0 ? "MW over the N-0 headroom" : "MW over the secure headroom");
        var top = result.Years.Select(y => Math.Max(y.PeakShortMw, y.PeakShortShiftedMw)).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimitsY(0, Math.Max(1, top * 1.08));
        return ReportFigure.Render(plot, 1000, 460);
    }

    // Tie changes are the scenario's own statements: nothing in the shared data dates a tie's reinforcement (decision 0228).
    private const string StatedTie = "stated in the scenario, not from data";

    private static string Mw(double value) => SimulationReport.Rounded(Math.Round(value, 1));

    private static string MwOrEmpty(double value) => double.IsNaN(value) ? "" : Mw(value);

    // "uprate LINE by X MW by YEAR" where the layer gave the binding line's sensitivity (decision 0226).
    private static string? Uprate(RoadmapRunOut r) => r.FirstShortYear is { } y && r.Line is { } line && !double.IsNaN(r.LineUprateMw)
        ? FormattableString.Invariant($"uprate {(r.UprateLine is { } u && u != line ? $"{u} (each circuit)" : line)} by {(r.LineUprateAtLeast ? "at least " : "")}{r.LineUprateRoundedUp(0):N0} MW by {y}")
            + (r.OtherLinesOrEmpty.Count > 0 ? $"; alone it does not defer it: {OtherLines(r.OtherLinesOrEmpty)} also over" : "")
        : null;

    // Where the room is already below 0 (decision 0234): how far, in words.
    private static string BelowZero(RoadmapYear year) => year.LineOverMw >= 0.5 && year.Line is { } line
        ? FormattableString.Invariant($"; {line} is already {year.LineOverMw:N0} MW over its limit there before any load at the substation")
        : "";

    // "LINE (N h), LINE (M h)": the other lines that set the room in hours over it (decision 0234).
    private static string OtherLines(IReadOnlyList<RoadmapLineHours> lines) =>
        string.Join(", ", lines.Select(l => FormattableString.Invariant($"{l.Line} ({l.Hours:N0} h)")));

    private static string YearText(int? year, int last) => year is { } y ? y.ToString(s_inv) : FormattableString.Invariant($"— (not by {last})");

    private static string YearPlain(int? year, int last) => year is { } y ? FormattableString.Invariant($"in {y}") : FormattableString.Invariant($"not by {last}");

    private static string Deferred(RoadmapRunOut r, int last) => r.YearsDeferred(last) is not { } d ? "never short"
        : r.FirstShortShiftedYear is null ? FormattableString.Invariant($"≥ {d} years") : FormattableString.Invariant($"{d} year{(d == 1 ? "" : "s")}");

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
