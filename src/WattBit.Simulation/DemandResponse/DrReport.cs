using System.Globalization;
using System.Net;
using System.Text;
using WattBit.Formats;
using WattBit.Planning.Flexibility;
using WattBit.Simulation.Policies;

namespace WattBit.Simulation.DemandResponse;

/// <summary>
/// The demand-response section of a simulation's report: console lines, <c>dr_requests.csv</c> and <c>dr_sites.csv</c>,
/// and an HTML section. Stateless.
/// </summary>
public static class DrReport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>One line per policy (requested, committed, delivered MWh, revenue, generation, work delayed), then the stated requests.</summary>
    /// <param name="result">What the section measured.</param>
    public static IReadOnlyList<string> Lines(DrSimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lines = new List<string>
        {
            FormattableString.Invariant($"Demand response: {result.Requests.Count} requests ({result.Requests.Count(r => r.Kind == DrRequestKind.SupplyWarning)} supply warnings, {result.Requests.Count(r => r.Kind == DrRequestKind.PriceSpike)} price spikes from the {result.PriceSource}, {result.Requests.Count(r => r.Kind == DrRequestKind.Surplus)} surplus days asking for more draw), {result.GeneratorSites} sites with a generator; delivery measured with the ERAB baseline on each site's simulated meter."),
        };
        foreach (var p in result.Policies)
        {
            var name = PolicyFactory.Name(p.Policy);
            if (!p.TakesPart)
            {
                lines.Add($"  {name}: takes no part (it ignores grid limits and orders, so it offers nothing).");
                continue;
            }

            lines.Add(FormattableString.Invariant(
                $"  {name}: requested {p.RequestedMwh:N1} MWh, committed {p.CommittedMwh:N1}, credited {p.CreditedMwh:N1} ({Share(p.CreditedMwh, p.CommittedMwh)} of committed; against the run without requests {p.WithoutRequestMwh:N1} MWh), revenue {p.RevenueYen / 1e6:N2} M JPY; ")
                + FormattableString.Invariant($"generation {p.GeneratorSiteHours:N0} site-hours, {p.GeneratorMwh:N1} MWh, {p.GeneratorTonnes:N1} tCO2, fuel {p.GeneratorCostYen / 1e6:N2} M JPY; ")
                + FormattableString.Invariant($"work delayed: {p.ResumesAdded:+#,0;-#,0;0} resumes, {p.LateJobsAdded:+#,0;-#,0;0} late jobs, {p.UnservedMwhAdded:+#,0.0;-#,0.0;0} MWh unserved; grid {p.GridTonnesAdded:+#,0.0;-#,0.0;0} tCO2")
                + (p.Requests.Sum(r => r.NotComputable) is > 0 and var n ? FormattableString.Invariant($"; {n} site commitments not computable (not paid)") : string.Empty));
            if (p.Timing is { } tm)
            {
                lines.Add(FormattableString.Invariant(
                    $"    time: {tm.Total.TotalSeconds:0.0} s = offers and commitments {tm.Offers.TotalSeconds:0.0} s + rerun with the requests {tm.Rerun.TotalSeconds:0.0} s (in it: the policy's run {tm.RerunPolicy.TotalSeconds:0.0} s and, beside it, a batteries-off run {tm.RerunWithoutBatteries.TotalSeconds:0.0} s) + metering and settlement {tm.Metering.TotalSeconds:0.0} s"));
            }

            foreach (var (d, label) in new[] { (FlexDirection.Down, "down (下げDR)"), (FlexDirection.Up, "up (上げDR)") })
            {
                if (p.In(d) is { Requests: > 0 } x)
                {
                    lines.Add(FormattableString.Invariant(
                        $"    {label}: {x.Requests} requests, requested {x.RequestedMwh:N1} MWh, committed {x.CommittedMwh:N1}, delivered {x.CreditedMwh:N1} by the ERAB baseline ({Share(x.CreditedMwh, x.CommittedMwh)} of committed), {x.ChangedMwh:N1} against the run without requests, {x.RevenueYen / 1e6:N2} M JPY"));
                }
            }

            foreach (var r in p.Requests.Where(r => r.Request.Kind is DrRequestKind.SupplyWarning or DrRequestKind.Surplus))
            {
                lines.Add(FormattableString.Invariant(
                    $"    {r.Request.Id} {r.Request.Area} {r.Request.Start:yyyy-MM-dd HH:mm}-{r.Request.End:HH:mm}: asked {r.Request.Mw:0.##} MW, offered {r.OfferedMw:0.##}, committed {r.CommittedMw:0.##} (mean of the per-slot profile: {Range(r.CommittedSlotsMw)} MW per 30-minute slot, {r.CommittedKwh / 1000:0.##} MWh), delivered {r.DeliveredMw:0.##} (ERAB), {r.WithoutRequestMw:0.##} against the run without it, {r.AmountYen / 1e6:N2} M JPY")
                    + (r.Note is null ? string.Empty : $"; {r.Note}"));
            }
        }

        return lines;
    }

    // The least and largest slot of a profile ("0" when none).
    private static string Range(IReadOnlyList<double> slots) =>
        slots.Count == 0 ? "0" : FormattableString.Invariant($"{slots.Min():0.##}-{slots.Max():0.##}");

    // A per-slot profile as one CSV cell: MW per 30-minute slot joined by ';' (empty when none).
    private static string Slots(IReadOnlyList<double> slots) => string.Join(';', slots.Select(N));

    /// <summary>Writes <c>dr_requests.csv</c> (one row per policy and request) and <c>dr_sites.csv</c> (one row per policy, request and offering site).</summary>
    /// <param name="result">What the section measured.</param>
    /// <param name="directory">The report folder (created if needed).</param>
    public static void WriteCsv(DrSimulationResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        var requests = new List<string> { "policy,request,kind,direction,area,start,end,issued,requested_mw,offered_mw,committed_mw,delivered_mw,without_request_mw,credited_kwh,shortfall_kwh,amount_yen,not_computable_sites,note,committed_kwh,committed_slots_mw" };
        var sites = new List<string> { "policy,request,site,battery_mw,work_mw,generator_mw,committed_mw,committed_generator_mw,computable,baseline_kwh,actual_kwh,credited_kwh,shortfall_kwh,without_request_kwh,amount_yen,generator_mwh,generator_tco2,baseline_gap_mw,expected_baseline_kwh,why,committed_kwh,committed_slots_mw,generator_slots_mw" };
        foreach (var p in result.Policies.Where(p => p.TakesPart))
        {
            var name = PolicyFactory.Name(p.Policy);
            foreach (var r in p.Requests)
            {
                var q = r.Request;
                requests.Add(string.Join(',', name, q.Id, Kind(q.Kind), q.IsUp ? "up" : "down", q.Area, Iso8601.Format(q.Start), Iso8601.Format(q.End),
                    Iso8601.Format(q.IssuedAt), N(q.Mw), N(r.OfferedMw), N(r.CommittedMw), N(r.DeliveredMw), N(r.WithoutRequestMw), N(r.CreditedKwh), N(r.ShortfallKwh), N(r.AmountYen),
                    r.NotComputable.ToString(s_inv), Csv(r.Note), N(r.CommittedKwh), Slots(r.CommittedSlotsMw)));
                foreach (var s in r.Sites)
                {
                    sites.Add(string.Join(',', name, q.Id, s.Site, N(s.BatteryMw), N(s.WorkMw), N(s.GeneratorMw), N(s.CommittedMw), N(s.CommittedGeneratorMw), s.Computable ? "true" : "false",
                        N(s.BaselineKwh), N(s.ActualKwh), N(s.CreditedKwh), N(s.ShortfallKwh), N(s.WithoutRequestKwh), N(s.AmountYen), N(s.GeneratorMwh), N(s.GeneratorTonnes), N(s.BaselineGapMw), s.ExpectedBaselineKwh is { } e ? N(e) : "", Csv(s.Why),
                        N(s.CommittedKwh), Slots(s.CommittedSlotsMw), Slots(s.GeneratorSlotsMw)));
                }
            }
        }

        File.WriteAllLines(Path.Combine(directory, "dr_requests.csv"), requests, new UTF8Encoding(false));
        File.WriteAllLines(Path.Combine(directory, "dr_sites.csv"), sites, new UTF8Encoding(false));
    }

    /// <summary>The report's HTML section: per policy the totals, then per request of the policy that took part last.</summary>
    /// <param name="result">What the section measured.</param>
    public static string Html(DrSimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = new StringBuilder();
        html.Append("<h2>Demand response</h2><p>").Append(Enc(Lines(result)[0])).Append(
            " Offers come from each policy's run without requests (battery, deferrable work, generator when allowed for DR); commitments are cut into the sites' limits in the windows and delivered by the policy's own response to a cut; credited = Σ per slot of (baseline − metered) within [0, committed]. Up requests (上げDR) are offered from work placed after the window and battery charging, delivered by a floor under the committed sites' draw, credited metered − baseline.</p>");
        html.Append("<table><tr><th>policy</th><th>requested MWh</th><th>committed MWh</th><th>credited MWh (ERAB)</th><th>removed vs no request MWh</th><th>revenue M JPY</th><th>generator site-hours</th><th>generator MWh</th><th>generator tCO2</th><th>extra resumes</th><th>extra late jobs</th><th>extra unserved MWh</th></tr>");
        foreach (var p in result.Policies)
        {
            html.Append("<tr><td>").Append(Enc(PolicyFactory.Name(p.Policy))).Append("</td>");
            if (!p.TakesPart)
            {
                html.Append("<td colspan=\"11\">takes no part (ignores grid limits and orders)</td></tr>");
                continue;
            }

            foreach (var v in new[] { p.RequestedMwh, p.CommittedMwh, p.CreditedMwh, p.WithoutRequestMwh, p.RevenueYen / 1e6, p.GeneratorSiteHours, p.GeneratorMwh, p.GeneratorTonnes, p.ResumesAdded, p.LateJobsAdded, p.UnservedMwhAdded })
            {
                html.Append("<td>").Append(v.ToString("N1", s_inv)).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
        html.Append("<h3>By direction</h3><table><tr><th>policy</th><th>direction</th><th>requests</th><th>requested MWh</th><th>committed MWh</th><th>delivered MWh (ERAB)</th><th>vs no request MWh</th><th>revenue M JPY</th></tr>");
        foreach (var p in result.Policies.Where(p => p.TakesPart))
        {
            foreach (var (d, label) in new[] { (FlexDirection.Down, "down (下げDR)"), (FlexDirection.Up, "up (上げDR)") })
            {
                var x = p.In(d);
                html.Append("<tr><td>").Append(Enc(PolicyFactory.Name(p.Policy))).Append("</td><td>").Append(Enc(label)).Append("</td><td>").Append(x.Requests.ToString(s_inv)).Append("</td>");
                foreach (var v in new[] { x.RequestedMwh, x.CommittedMwh, x.CreditedMwh, x.ChangedMwh, x.RevenueYen / 1e6 })
                {
                    html.Append("<td>").Append(v.ToString("N1", s_inv)).Append("</td>");
                }

                html.Append("</tr>");
            }
        }

        html.Append("</table>");
        if (result.Policies.LastOrDefault(p => p.TakesPart) is { } last)
        {
            html.Append("<h3>Requests under ").Append(Enc(PolicyFactory.Name(last.Policy))).Append("</h3><table><tr><th>request</th><th>direction</th><th>window (JST)</th><th>notice h</th><th>asked MW</th><th>offered MW</th><th>committed MW (mean of the per-slot profile)</th><th>per 30-min slot MW</th><th>committed MWh</th><th>delivered MW (ERAB)</th><th>vs no request MW</th><th>paid k JPY</th><th>note</th></tr>");
            foreach (var r in last.Requests)
            {
                var q = r.Request;
                html.Append("<tr><td>").Append(Enc(q.Id)).Append("</td><td>").Append(q.IsUp ? "up" : "down").Append("</td><td>").Append(Enc(FormattableString.Invariant($"{q.Start:yyyy-MM-dd HH:mm}-{q.End:HH:mm}"))).Append("</td>");
                foreach (var v in new[] { q.Notice.TotalHours, q.Mw, r.OfferedMw, r.CommittedMw })
                {
                    html.Append("<td>").Append(v.ToString("N1", s_inv)).Append("</td>");
                }

                html.Append("<td>").Append(Range(r.CommittedSlotsMw)).Append("</td>");
                foreach (var v in new[] { r.CommittedKwh / 1000, r.DeliveredMw, r.WithoutRequestMw, r.AmountYen / 1e3 })
                {
                    html.Append("<td>").Append(v.ToString("N1", s_inv)).Append("</td>");
                }

                html.Append("<td>").Append(Enc(r.Note ?? (r.NotComputable > 0 ? $"{r.NotComputable} sites not computable" : string.Empty))).Append("</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("<p>Per request and site: dr_requests.csv, dr_sites.csv.</p>");
        return html.ToString();
    }

    private static string Kind(DrRequestKind kind) => kind switch
    {
        DrRequestKind.SupplyWarning => "supply-warning",
        DrRequestKind.PriceSpike => "price-spike",
        _ => "surplus",
    };

    private static string Share(double part, double whole) => whole <= 0 ? "n/a" : (part / whole).ToString("P0", s_inv);

    private static string N(double v) => v.ToString("0.###", s_inv);

    private static string Csv(string? text) => text is null ? string.Empty : text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal)
        ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
