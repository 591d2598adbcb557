using System.Text;
using System.Text.Json;
using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Headroom;
using WattBit.Sites;

namespace WattBit.Grid.Tests;

public sealed class WelcomeZonesTests
{
    [Fact]
    public void Classify_Case30_ZonesFollowFirmMedianAndN0_OfReSolvedFlows()
    {
        // The oracle never reads the engine's headroom: per hour it re-solves the DC power flow with the load added at
        // the bus (and, for N-1, with each contingency's branch out) and bisects on the load
        // (HeadroomBruteForceTests.Bisect). Firm = least N-1 over the hours, median of N-1, least N-0.
        const double Cap = 2000;
        const int Bus = 2; // bus 3: N-1 binds below N-0 at the tightest hour, so a ③ extra exists
        var net = HeadroomTests.WithEmergencyRatings(TestCases.Pglib("pglib_opf_case30_ieee.m"), 1.6);
        var engine = HeadroomTests.Engine(net, 48, new HeadroomOptions(Balancing.Distributed, CapMw: Cap));
        var model = engine.Sensitivities.Model;
        var outModels = engine.Contingencies.ToArray().Select(c => new DcModel(new PowerNetwork("out", net.BaseMva, net.Buses, net.Generators,
            net.Branches.Select((b, i) => i == c ? b with { InService = false } : b)))).ToList();
        var n0 = new double[engine.Steps];
        var n1 = new double[engine.Steps];
        for (var t = 0; t < engine.Steps; t++)
        {
            var p = engine.Series.Injections(t);
            n0[t] = HeadroomBruteForceTests.Bisect(model, p, Bus, Balancing.Distributed, emergency: false, Cap);
            n1[t] = outModels.Aggregate(n0[t], (least, m) => Math.Min(least, HeadroomBruteForceTests.Bisect(m, p, Bus, Balancing.Distributed, emergency: true, Cap)));
        }

        var sorted = n1.Order().ToArray();
        var firm = sorted[0];
        var median = 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
        var leastN0 = n0.Min();
        Assert.True(firm > 0 && firm < median && firm < leastN0, $"case30 bus 3 must have room above firm: firm {firm}, median N-1 {median}, least N-0 {leastN0}");

        var h = new BusHeadroom(engine.Steps);
        engine.Compute(Bus, h);
        const double Tol = 1e-4;
        var atFirm = WelcomeZones.Classify(engine, h, firm - Tol);
        Assert.Equal(WelcomeZone.Firm, atFirm.Zone);
        Assert.Equal(firm, atFirm.FirmMw, Tol);
        Assert.Equal(median - firm, atFirm.DynamicExtraMw, Tol);
        Assert.Equal(leastN0 - firm, atFirm.CurtailableExtraMw, Tol);
        Assert.True(atFirm.ExpectedCurtailmentMwhPerYear > 0, "a ③ extra above firm is curtailed on some contingency");
        Assert.Equal(WelcomeZone.Dynamic, WelcomeZones.Classify(engine, h, 0.5 * (firm + median)).Zone);
        Assert.Equal(WelcomeZone.Constrained, WelcomeZones.Classify(engine, h, Math.Max(median, leastN0) + 1).Zone);
    }

    [Fact]
    public void WriteCsvAndGeoJson_WriteCoordinatesWhereKnown()
    {
        var net = TestCases.Matpower("case9.m");
        var entries = new[]
        {
            new WelcomeZoneEntry(0, 100, 20, 5, 1.5, WelcomeZone.Firm),
            new WelcomeZoneEntry(4, double.NaN, double.NaN, double.NaN, double.NaN, WelcomeZone.Missing),
        };
        var coords = new Dictionary<int, GeoPoint> { [1] = new GeoPoint(35.68, 139.76) };
        var csv = new StringWriter();
        WelcomeZones.WriteCsv(csv, net, entries, coords);
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("bus,name,zone,firm_mw,dynamic_extra_mw,curtailable_extra_mw,expected_curtailment_mwh_per_year,lat,lon", lines[0]);
        Assert.Equal("1,,firm,100,20,5,1.5,35.68,139.76", lines[1]);
        Assert.Equal("5,,missing,,,,,,", lines[2]);
        using var ms = new MemoryStream();
        Assert.Equal(1, WelcomeZones.WriteGeoJson(ms, net, entries, coords));
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(ms.ToArray()));
        var f = doc.RootElement.GetProperty("features")[0];
        Assert.Equal(139.76, f.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble());
        Assert.Equal("firm", f.GetProperty("properties").GetProperty("zone").GetString());
    }
}
