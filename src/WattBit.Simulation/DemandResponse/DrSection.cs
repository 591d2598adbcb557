using WattBit.Areas;
using WattBit.Formats;
using WattBit.Planning.Flexibility;
using WattBit.Planning.Model;
using WattBit.Time;
using WattBit.Units;
using YamlDotNet.RepresentationModel;

namespace WattBit.Simulation.DemandResponse;

/// <summary>
/// Reads a scenario's <c>demand_response:</c> section (docs/dr.md, "Demand response in simulation"). Every error names
/// the file, line and column: an unknown key or area, a window off the step grid, across two JST days or outside the
/// period, a request issued after its window starts, a duplicate id. Stateless.
/// </summary>
internal static class DrSection
{
    /// <summary>Reads the section.</summary>
    /// <param name="r">The scenario's reader.</param>
    /// <param name="node">The section.</param>
    /// <param name="start">Start of the scenario's period.</param>
    /// <param name="end">End of the period.</param>
    /// <param name="step">The scenario's step.</param>
    /// <exception cref="InputFormatException">The section is invalid.</exception>
    public static DrSpec Read(YamlReader r, YamlNode node, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        var m = r.Mapping(node, "demand_response", "requests", "price_spikes", "surplus", "generators", "premium_yen_per_kwh");
        var requests = new List<DrRequest>();
        if (YamlReader.Get(m, "requests") is { } list)
        {
            foreach (var item in r.Sequence(list, "requests").Children)
            {
                var q = r.Mapping(item, "a request", "id", "kind", "direction", "area", "start", "end", "issued", "mw", "price_yen_per_kwh");
                var id = r.Text(r.Need(q, "id", "a request"), "id");
                if (requests.Exists(x => x.Id == id))
                {
                    throw r.Fail(item, $"request id '{id}' is used twice.");
                }

                var kind = YamlReader.Get(q, "kind") is { } kn
                    ? r.Choice(kn, "request kind", ("supply-warning", DrRequestKind.SupplyWarning), ("price-spike", DrRequestKind.PriceSpike), ("surplus", DrRequestKind.Surplus))
                    : DrRequestKind.SupplyWarning;
                var direction = YamlReader.Get(q, "direction") is { } dn
                    ? r.Choice(dn, "direction", ("down", FlexDirection.Down), ("up", FlexDirection.Up))
                    : kind == DrRequestKind.Surplus ? FlexDirection.Up : FlexDirection.Down;
                var area = Area(r, r.Need(q, "area", "a request"));
                var from = r.Instant(r.Need(q, "start", "a request"), "start");
                var to = r.Instant(r.Need(q, "end", "a request"), "end");
                var issued = r.Instant(r.Need(q, "issued", "a request"), "issued");
                CheckWindow(r, item, from, to, start, end, step);
                if (issued > from)
                {
                    throw r.Fail(item, $"request '{id}' is issued at {Iso8601.Format(issued)}, after its window starts ({Iso8601.Format(from)}).");
                }

                var mw = r.Number(r.Need(q, "mw", "a request"), "mw", 0.001);
                double? price = YamlReader.Get(q, "price_yen_per_kwh") is { } pn ? r.Number(pn, "price_yen_per_kwh", 0) : null;
                requests.Add(new DrRequest(id, kind, area, from, to, mw, issued, price, (int)item.Start.Line, direction));
            }
        }

        DrPriceSpikes? spikes = null;
        if (YamlReader.Get(m, "price_spikes") is { } sn)
        {
            var s = r.Mapping(sn, "price_spikes", "area", "above_yen_per_kwh", "mw", "issued_hour");
            spikes = new DrPriceSpikes(Area(r, r.Need(s, "area", "price_spikes")), r.Number(r.Need(s, "above_yen_per_kwh", "price_spikes"), "above_yen_per_kwh", 0),
                r.Number(r.Need(s, "mw", "price_spikes"), "mw", 0.001), r.Integer(s, "issued_hour", 10, 0, 23), (int)sn.Start.Line);
        }

        DrSurplus? surplus = null;
        if (YamlReader.Get(m, "surplus") is { } surplusNode)
        {
            var u = r.Mapping(surplusNode, "surplus", "area", "above_mw", "mw", "price_yen_per_kwh", "issued_hour");
            surplus = new DrSurplus(Area(r, r.Need(u, "area", "surplus")), r.Number(u, "above_mw", 0, 0), r.Number(r.Need(u, "mw", "surplus"), "mw", 0.001),
                r.Number(r.Need(u, "price_yen_per_kwh", "surplus"), "price_yen_per_kwh", 0), r.Integer(u, "issued_hour", 17, 0, 23), (int)surplusNode.Start.Line);
        }

        DrGenerators? generators = null;
        if (YamlReader.Get(m, "generators") is { } gn)
        {
            var g = r.Mapping(gn, "generators", "areas", "share", "power_share", "fuel_hours", "startup_minutes", "emissions_g_per_kwh", "cost_yen_per_kwh", "use_for_dr");
            var areas = YamlReader.Get(g, "areas") is { } an ? r.Strings(an, "areas").Select(a => JapanAreas.TryFind(a, out var x) ? x.Code
                : throw r.Fail(an, $"unknown area '{a}' (known: {string.Join(", ", JapanAreas.All.Select(k => k.Code))}).")).ToArray() : [];
            try
            {
                var template = new OnSiteGenerator(Power.FromMegawatts(1), TimeSpan.FromHours(r.Number(r.Need(g, "fuel_hours", "generators"), "fuel_hours", 0.01)),
                    TimeSpan.FromMinutes(r.Number(g, "startup_minutes", 10, 0)), CarbonIntensity.FromGramsPerKilowattHour(r.Number(r.Need(g, "emissions_g_per_kwh", "generators"), "emissions_g_per_kwh", 0)),
                    EnergyPrice.FromYenPerKilowattHour(r.Number(g, "cost_yen_per_kwh", 0, 0)), YamlReader.Get(g, "use_for_dr") is { } un && r.Boolean(un, "use_for_dr"));
                generators = new DrGenerators(areas, r.Number(g, "share", 1, 0, 1), r.Number(r.Need(g, "power_share", "generators"), "power_share", 0.001, 2), template);
            }
            catch (ModelValidationException ex)
            {
                throw r.Fail(gn, ex.Message);
            }
        }

        if (requests.Count == 0 && spikes is null && surplus is null)
        {
            throw r.Fail(node, "demand_response needs requests, price_spikes, surplus or more than one of them.");
        }

        return new DrSpec(requests, spikes, generators, r.Number(m, "premium_yen_per_kwh", 0, 0), (int)node.Start.Line, surplus);
    }

    private static string Area(YamlReader r, YamlNode node) =>
        JapanAreas.TryFind(r.Text(node, "area"), out var area) ? area.Code
            : throw r.Fail(node, $"unknown area '{r.Text(node, "area")}' (known: {string.Join(", ", JapanAreas.All.Select(a => a.Code))}).");

    // A window the engine and the ERAB baseline can both use: whole steps, inside the period, within one JST day.
    private static void CheckWindow(YamlReader r, YamlNode node, DateTimeOffset from, DateTimeOffset to, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        if (to <= from || from < start || to > end)
        {
            throw r.Fail(node, $"the window {Iso8601.Format(from)}/{Iso8601.Format(to)} must be non-empty and inside the period {Iso8601.Format(start)}/{Iso8601.Format(end)}.");
        }

        if ((from - start).Ticks % step.Ticks != 0 || (to - start).Ticks % step.Ticks != 0)
        {
            throw r.Fail(node, $"the window {Iso8601.Format(from)}/{Iso8601.Format(to)} must start and end on the scenario's {step.TotalMinutes:0}-minute steps.");
        }

        if (DateOnly.FromDateTime(from.ToOffset(Jst.Offset).DateTime) != DateOnly.FromDateTime((to - TimeSpan.FromTicks(1)).ToOffset(Jst.Offset).DateTime))
        {
            throw r.Fail(node, $"the window {Iso8601.Format(from)}/{Iso8601.Format(to)} spans two JST days; the DR baseline is defined per event day.");
        }
    }
}
