using System.Text;
using System.Text.Json;
using WattBit.Grid.Headroom;
using WattBit.Headroom;
using WattBit.Sites;

namespace WattBit.Grid.Tests;

public sealed class WelcomeZonesTests
{
    [Fact]
    public void Classify_Case30_ZonesFollowFirmMedianAndN0()
    {
        var engine = HeadroomTests.Engine(HeadroomTests.WithEmergencyRatings(TestCases.Pglib("pglib_opf_case30_ieee.m"), 1.6), 48, new HeadroomOptions(CapMw: 2000));
        var h = new BusHeadroom(engine.Steps);
        engine.Compute(29, h);
        var firm = h.N1Mw.Min();
        var e = WelcomeZones.Classify(engine, h, firm);
        Assert.Equal(WelcomeZone.Firm, e.Zone);
        Assert.Equal(firm, e.FirmMw);
        Assert.Equal(Math.Max(0, h.N0Mw.Min() - firm), e.CurtailableExtraMw, 9);
        Assert.Equal(WelcomeZone.Constrained, WelcomeZones.Classify(engine, h, h.N0Mw.Max() + 1).Zone);
        if (e.CurtailableExtraMw > 0)
        {
            Assert.True(e.ExpectedCurtailmentMwhPerYear > 0);
        }
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
