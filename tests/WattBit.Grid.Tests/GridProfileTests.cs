using WattBit.Formats;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;
using WattBit.Time;

namespace WattBit.Grid.Tests;

public sealed class GridProfileTests
{
    private static GridProfile Parse(string text) => GridProfile.Parse(CsvTable.Parse(text, "profile.csv"));

    [Fact]
    public void Parse_HourlyRows_ReadsValuesAndStep()
    {
        var p = Parse("timestamp,demand_scale,solar_pu\n2025-04-01T00:00:00+09:00,0.8,0\n2025-04-01T01:00:00+09:00,0.75,0.1\n");
        Assert.Equal(2, p.Count);
        Assert.Equal(TimeSpan.FromHours(1), p.Step);
        Assert.Equal(0.75, p.DemandScale[1]);
        Assert.Equal(0.1, p.SolarPu[1]);
    }

    [Fact]
    public void Parse_HalfHourRows_AreAccepted()
    {
        var p = Parse("timestamp,demand_scale,solar_pu\n2025-04-01T00:00:00+09:00,0.8,0\n2025-04-01T00:30:00+09:00,0.8,0\n2025-04-01T01:00:00+09:00,0.8,0\n");
        Assert.Equal(TimeSpan.FromMinutes(30), p.Step);
    }

    [Fact]
    public void Parse_Gap_IsAnErrorAtTheTimestamp()
    {
        var ex = Assert.Throws<InputFormatException>(() => Parse(
            "timestamp,demand_scale,solar_pu\n2025-04-01T00:00:00+09:00,0.8,0\n2025-04-01T01:00:00+09:00,0.8,0\n2025-04-01T03:00:00+09:00,0.8,0\n"));
        Assert.Equal(4, ex.Line);
        Assert.Equal(1, ex.Column);
        Assert.Contains("gap in the profile", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GapBetweenFirstTwoRows_IsAnError()
    {
        var ex = Assert.Throws<InputFormatException>(() => Parse(
            "timestamp,demand_scale,solar_pu\n2025-04-01T00:00:00+09:00,0.8,0\n2025-04-01T02:00:00+09:00,0.8,0\n"));
        Assert.Equal(3, ex.Line);
        Assert.Contains("one row per hour or per half hour", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Duplicate_IsAnError()
    {
        var ex = Assert.Throws<InputFormatException>(() => Parse(
            "timestamp,demand_scale,solar_pu\n2025-04-01T00:00:00+09:00,0.8,0\n2025-04-01T01:00:00+09:00,0.8,0\n2025-04-01T01:00:00+09:00,0.8,0\n"));
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void Parse_MissingValue_IsAnErrorAtItsColumn()
    {
        var ex = Assert.Throws<InputFormatException>(() => Parse("timestamp,demand_scale,solar_pu\n2025-04-01T00:00:00+09:00,,0\n"));
        Assert.Equal(2, ex.Line);
        Assert.Equal(27, ex.Column);
    }

    [Fact]
    public void Parse_TimestampWithoutOffset_IsAnError()
    {
        var ex = Assert.Throws<InputFormatException>(() => Parse("timestamp,demand_scale,solar_pu\n2025-04-01T00:00:00,0.8,0\n"));
        Assert.Contains("no UTC offset", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingColumn_IsAnError()
    {
        var ex = Assert.Throws<InputFormatException>(() => Parse("timestamp,demand\n2025-04-01T00:00:00+09:00,0.8\n"));
        Assert.Contains("demand_scale", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SolarFile_UnknownBus_IsAnError()
    {
        var net = TestCases.Matpower("case9.m");
        var ex = Assert.Throws<InputFormatException>(() => SolarCapacity.Parse(CsvTable.Parse("bus,capacity_mw\n5,10\n99,3\n", "solar.csv"), net));
        Assert.Equal(3, ex.Line);
        Assert.Contains("bus 99", ex.Message, StringComparison.Ordinal);
        var cap = SolarCapacity.Parse(CsvTable.Parse("bus,capacity_mw\n5,10\n5,2.5\n", "solar.csv"), net);
        Assert.Equal(12.5, cap[4]);
    }

    [Fact]
    public void Series_FlowsAtEveryStep_EqualDcPowerFlowOfTheScaledSnapshot()
    {
        var net = TestCases.Pglib("pglib_opf_case30_ieee.m");
        var model = new DcModel(net);
        var profile = SyntheticProfile.Create(new DateTimeOffset(2025, 7, 1, 0, 0, 0, Jst.Offset), 30);
        var cap = SyntheticProfile.SolarAtLoadBuses(net);
        var series = new NetworkTimeSeries(model, profile, cap);
        for (var t = 0; t < profile.Count; t += 7)
        {
            // Build the snapshot by hand from formats.md §2 and solve it.
            var ds = profile.DemandScale[t];
            var pv = profile.SolarPu[t];
            double sumPd = net.Buses.Sum(b => b.Pd), sumGs = net.Buses.Sum(b => b.Gs), sumS = cap.Sum() * pv;
            var sumPg = net.Generators.Where(g => g.InService && g.Pg > 0).Sum(g => g.Pg);
            var p = new double[net.Buses.Length];
            foreach (var g in net.Generators.Where(g => g.InService))
            {
                p[g.BusIndex] += g.Pg > 0 ? g.Pg * ((sumPd * ds) + sumGs - sumS) / sumPg : g.Pg;
            }

            for (var i = 0; i < p.Length; i++)
            {
                p[i] += (cap[i] * pv) - (net.Buses[i].Pd * ds) - net.Buses[i].Gs;
            }

            Assert.Equal(0, p.Sum(), 6);
            var f = new double[model.BranchCount];
            model.Solve(p, f);
            for (var l = 0; l < f.Length; l++)
            {
                Assert.Equal(f[l], series.Flow(l, t), 8);
            }
        }
    }
}
