using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;

namespace WattBit.Grid.Tests;

public sealed class CurtailmentTests
{
    private static HeadroomEngine Case30() =>
        HeadroomTests.Engine(HeadroomTests.WithEmergencyRatings(TestCases.Pglib("pglib_opf_case30_ieee.m"), 1.6), 72, new HeadroomOptions(CapMw: 2000), seed: 5);

    /// <summary>A load halfway between the smallest N-1 and N-0 headroom of the bus: curtailed under some contingencies.</summary>
    private static double Between(HeadroomEngine engine, int bus)
    {
        var h = new BusHeadroom(engine.Steps);
        engine.Compute(bus, h);
        return 0.5 * (h.N0Mw.Min() + h.N1Mw.Min());
    }

    private static DcModel Without(PowerNetwork net, int branch) =>
        new(new PowerNetwork("out", net.BaseMva, net.Buses, net.Generators, net.Branches.Select((b, i) => i == branch ? b with { InService = false } : b)));

    [Fact]
    public void Analyse_CurtailmentPerContingency_EqualsBisectionOnOutageNetwork()
    {
        var engine = Case30();
        var net = engine.Sensitivities.Model.Network;
        const int bus = 29;
        var p = Between(engine, bus);
        var report = Curtailment.Analyse(engine, bus, p);
        Assert.NotEmpty(report.Contingencies);
        var listed = report.Contingencies.ToDictionary(c => c.Contingency);
        foreach (var c in engine.Contingencies.ToArray())
        {
            var outModel = Without(net, c);
            double sum = 0;
            for (var t = 0; t < engine.Steps; t++)
            {
                var hc = HeadroomBruteForceTests.Bisect(outModel, engine.Series.Injections(t), bus, Balancing.Distributed, emergency: true, 2000);
                sum += Math.Max(0, p - hc);
            }

            var mean = sum / engine.Steps;
            if (mean > 1e-6)
            {
                Assert.True(listed.ContainsKey(c), $"contingency {c + 1} curtails {mean} MW on average but is not listed");
                Assert.Equal(mean, listed[c].MeanMw, 4);
                Assert.Equal(OutageModel.DefaultRatePerYear * OutageModel.DefaultDurationHours * listed[c].MeanMw, listed[c].ExpectedMwhPerYear, 9);
            }
            else
            {
                Assert.False(listed.ContainsKey(c) && listed[c].MeanMw > 1e-4, $"contingency {c + 1} is listed but does not curtail");
            }
        }

        Assert.Equal(report.Contingencies.Sum(c => c.ExpectedMwhPerYear), report.ExpectedMwhPerYear, 9);
    }

    [Fact]
    public void Analyse_LoadBelowN1Headroom_IsNeverCurtailed()
    {
        var engine = Case30();
        var h = new BusHeadroom(engine.Steps);
        engine.Compute(20, h);
        var report = Curtailment.Analyse(engine, 20, 0.99 * h.N1Mw.Min());
        Assert.Empty(report.Contingencies);
        Assert.Equal(0, report.ExpectedMwhPerYear);
        Assert.Equal(0, report.StepsAboveN0);
    }

    [Fact]
    public void Analyse_OutageOverrides_ScaleExpectedEnergy()
    {
        var engine = Case30();
        var p = Between(engine, 29);
        var a = Curtailment.Analyse(engine, 29, p, new OutageModel(1, 8));
        var b = Curtailment.Analyse(engine, 29, p, new OutageModel(2, 12));
        Assert.Equal(3 * a.ExpectedMwhPerYear, b.ExpectedMwhPerYear, 6);
    }

    [Fact]
    public void Analyse_MaintenanceWindow_CurtailsOnlyInsideTheWindowWithNormalRatings()
    {
        var engine = Case30();
        var net = engine.Sensitivities.Model.Network;
        const int bus = 29;
        var p = Between(engine, bus);
        var report = Curtailment.Analyse(engine, bus, p);
        var c = report.Contingencies[0].Contingency;
        var times = engine.Series.Profile.Timestamps;
        var window = new MaintenanceWindow(c, times[10], times[34]);
        var r = Curtailment.Analyse(engine, bus, p, maintenance: [window]);
        var outModel = Without(net, c);
        double energy = 0;
        for (var t = 10; t < 34; t++)
        {
            var hc = HeadroomBruteForceTests.Bisect(outModel, engine.Series.Injections(t), bus, Balancing.Distributed, emergency: false, 2000);
            energy += Math.Max(0, p - hc);
        }

        Assert.Equal(energy, r.Maintenance[0].EnergyMwh, 4);
    }

    [Fact]
    public void Analyse_MaintenanceOfBridge_IsRejected()
    {
        var engine = Case30();
        var bridge = engine.Sensitivities.Model.Topology.Bridges[0];
        var t = engine.Series.Profile.Timestamps;
        var ex = Assert.Throws<ArgumentException>(() => Curtailment.Analyse(engine, 29, 5, maintenance: [new MaintenanceWindow(bridge, t[0], t[5])]));
        Assert.Contains("bridge", ex.Message, StringComparison.Ordinal);
    }
}
