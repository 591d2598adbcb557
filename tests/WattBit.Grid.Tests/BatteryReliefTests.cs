using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Grid.Tests;

/// <summary>Batteries elsewhere relieving a data centre, decided by sensitivities (decision 0146).</summary>
public sealed class BatteryReliefTests
{
    private static readonly DateTimeOffset s_at = new(2025, 7, 1, 14, 0, 0, Jst.Offset);

    // A triangle of equal lines; the generator and reference at bus 1, the DC's 90 MW at bus 2, line 1-2 rated 100 MW.
    // Flows: 1->2 60, 1->3 30, 3->2 30. Load at 2 splits 2/3 on 1-2: N-0 headroom at 2 = (100 - 60) / (2/3) = 60 MW.
    private const string Triangle = """
        function mpc = triangle
        mpc.version = '2';
        mpc.baseMVA = 100;
        mpc.bus = [
        1 3 0 0 0 0 1 1 0 230 1 1.1 0.9;
        2 1 90 0 0 0 1 1 0 230 1 1.1 0.9;
        3 1 0 0 0 0 1 1 0 230 1 1.1 0.9;
        ];
        mpc.gen = [
        1 90 0 300 -300 1 100 1 500 0;
        ];
        mpc.branch = [
        1 2 0 0.1 0 100 100 100 0 0 1 -360 360;
        1 3 0 0.1 0 1000 1000 1000 0 0 1 -360 360;
        3 2 0 0.1 0 1000 1000 1000 0 0 1 -360 360;
        ];
        """;

    private static HeadroomEngine Snapshot(PowerNetwork net, ContingencyCriterion criterion, double[]? solarMw = null, double solarPu = 0)
    {
        var model = new DcModel(net);
        var series = new NetworkTimeSeries(model, new GridProfile([s_at], [1.0], [solarPu]), solarMw);
        return new HeadroomEngine(Sensitivities.Build(model), series, new HeadroomOptions(Criterion: criterion));
    }

    [Fact]
    public void Triangle_HandComputed_ABatteryOnTheFarSideHelpsByHalf_OneAtTheGeneratorNotAtAll()
    {
        var grid = new BatteryReliefEngine(Snapshot(MatpowerCase.Parse(Triangle, "triangle.m"), ContingencyCriterion.N0));
        var p = Power.FromMegawatts(30);

        // At bus 3: its injection takes 1/3 off 1->2 (10 MW), worth 10 / (2/3) = 15 MW at bus 2: 60 -> 75.
        var far = grid.Assess("2", "3", p);
        Assert.Equal(60, far.Without.Megawatts, 9);
        Assert.Equal(75, far.With.Megawatts, 9);
        Assert.Equal(0.5, far.ReliefPerMw, 9);
        Assert.Equal("1", far.LimitingBranch);
        Assert.Equal(2.0 / 3, far.DcSensitivity, 9);
        Assert.Equal(-1.0 / 3, far.BatterySensitivity, 9);

        // At bus 1, beside the generator: its injection only displaces the generator, no flow changes.
        var atGenerator = grid.Assess("2", "1", p);
        Assert.Equal(0, atGenerator.Relief.Megawatts, 9);
        Assert.False(atGenerator.Relieves);

        // At the DC's own bus: one for one, 60 -> 90.
        Assert.Equal(90, grid.Assess("2", "2", p).With.Megawatts, 9);
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(21, 13)]
    [InlineData(30, 29)]
    public void Case30_N1_EqualsTheEngineOnTheNetworkWithTheBatteryAsAnInjection(int dcBus, int batteryBus)
    {
        // The oracle solves the power flow again with the battery as 25 MW of generation at its bus, balanced by the
        // generators in proportion to Pg (formats.md section 2), and runs the engine on it.
        var net = HeadroomTests.WithEmergencyRatings(TestCases.Pglib("pglib_opf_case30_ieee.m"), 1.2);
        var grid = new BatteryReliefEngine(Snapshot(net, ContingencyCriterion.N1));
        var r = grid.Assess(dcBus.ToString(System.Globalization.CultureInfo.InvariantCulture), batteryBus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Power.FromMegawatts(25));

        Assert.True(net.TryGetBusIndex(dcBus, out var k));
        Assert.True(net.TryGetBusIndex(batteryBus, out var b));
        var plain = new BusHeadroom(1);
        Snapshot(net, ContingencyCriterion.N1).Compute(k, plain);
        var solar = new double[net.Buses.Length];
        solar[b] = 25;
        var withBattery = new BusHeadroom(1);
        Snapshot(net, ContingencyCriterion.N1, solar, 1).Compute(k, withBattery);

        Assert.Equal(plain.N1Mw[0], r.Without.Megawatts, 6);
        Assert.Equal(withBattery.N1Mw[0], r.With.Megawatts, 6);
    }
}
