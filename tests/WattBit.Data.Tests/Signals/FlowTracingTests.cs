using FsCheck;
using FsCheck.Fluent;
using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Data.Signals;
using WattBit.Time;

namespace WattBit.Data.Tests.Signals;

public sealed class FlowTracingTests
{
    [Fact]
    public void Solve_ChainOfThreeAreas_MatchesHandComputation()
    {
        // A: 100 MW at 800 g; B: 100 MW at 0 g, imports 50 from A; C: 50 MW at 400 g, imports 50 from B.
        var flows = new double[3, 3];
        flows[0, 1] = 50;
        flows[1, 2] = 50;
        var c = FlowTracing.Solve([100, 100, 50], [800, 0, 400], flows);
        Assert.Equal(800, c[0], 9);
        var cb = 50.0 * 800 / 150;
        Assert.Equal(cb, c[1], 9);
        Assert.Equal(((50 * 400) + (50 * cb)) / 100, c[2], 9);
    }

    [Fact]
    public void Solve_LoopOfFlows_IsSolvedSimultaneously()
    {
        // A and B trade 10 MW each way: both mix, and the solution satisfies both balance equations.
        var flows = new double[2, 2];
        flows[0, 1] = 10;
        flows[1, 0] = 10;
        var c = FlowTracing.Solve([90, 90], [900, 100], flows);
        Assert.Equal((90 * 900) + (10 * c[1]), c[0] * 100, 6);
        Assert.Equal((90 * 100) + (10 * c[0]), c[1] * 100, 6);
    }

    [Fact]
    public void Solve_AreaWithNothing_IsMissing()
    {
        var c = FlowTracing.Solve([100, 0], [500, double.NaN], new double[2, 2]);
        Assert.Equal(500, c[0]);
        Assert.True(double.IsNaN(c[1]));
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool Solve_AreaWithZeroImports_EqualsItsProductionIntensity(PositiveInt p0, PositiveInt p1, PositiveInt p2, NonNegativeInt g0, NonNegativeInt g1, NonNegativeInt g2, NonNegativeInt f01, NonNegativeInt f12)
    {
        // Area 0 only exports; area 1 and 2 import.
        var flows = new double[3, 3];
        flows[0, 1] = Math.Min(f01.Get, p0.Get);
        flows[1, 2] = Math.Min(f12.Get, p1.Get);
        double[] g = [g0.Get % 1000, g1.Get % 1000, g2.Get % 1000];
        var c = FlowTracing.Solve([p0.Get, p1.Get, p2.Get], g, flows);
        return Math.Abs(c[0] - g[0]) < 1e-9 && c[1] >= Math.Min(g[0], g[1]) - 1e-9 && c[1] <= Math.Max(g[0], g[1]) + 1e-9;
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Solve_AnyFlows_ConservesTotalEmissions(int seed)
    {
        // Emissions produced = emissions consumed: sum_i c_i (P_i + in_i - out_i) = sum_i g_i P_i.
        var rng = new Random(seed);
        const int n = 5;
        var p = Enumerable.Range(0, n).Select(_ => 100 + (rng.NextDouble() * 900)).ToArray();
        var g = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 900).ToArray();
        var f = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (i != j && rng.NextDouble() < 0.5)
                {
                    f[i, j] = rng.NextDouble() * p[i] / n;
                }
            }
        }

        var c = FlowTracing.Solve(p, g, f);
        double produced = 0, consumed = 0;
        for (var i = 0; i < n; i++)
        {
            double inflow = 0, outflow = 0;
            for (var j = 0; j < n; j++)
            {
                inflow += f[j, i];
                outflow += f[i, j];
            }

            produced += g[i] * p[i];
            consumed += c[i] * (p[i] + inflow - outflow);
        }

        return Math.Abs(produced - consumed) <= 1e-6 * produced;
    }

    [Fact]
    public void ConsumptionCarbon_NoFlows_EqualsProductionCarbon()
    {
        var start = new DateTimeOffset(2026, 4, 1, 0, 0, 0, Jst.Offset);
        var step = TimeSpan.FromMinutes(30);
        TimeSeries S(params double[] v) => TimeSeries.Wrap(start, step, v, SeriesUnit.Megawatts);
        var mixes = new Dictionary<string, IReadOnlyDictionary<string, TimeSeries>>
        {
            ["TK"] = new Dictionary<string, TimeSeries> { [SupplyDemandKeys.ThermalCoal] = S(100, 50), [SupplyDemandKeys.Solar] = S(0, 50) },
            ["CB"] = new Dictionary<string, TimeSeries> { [SupplyDemandKeys.ThermalLng] = S(100, 100) },
        };
        var none = new InterAreaFlows([new AreaFlow(JapanAreas.Tokyo, JapanAreas.Chubu, S(0, 0))]);
        var consumption = GridSignals.ConsumptionCarbon(mixes, none);
        Assert.Equal(CarbonIntensityCalculator.Production(mixes["TK"]).Values.ToArray(), consumption["TK"].Values.ToArray());
        Assert.Equal(490, consumption["CB"][0]);

        // With 50 MW from Chubu (gas, 490 g) into Tokyo (coal 100 MW, 820 g) in slot 0: (100*820 + 50*490) / 150.
        var flows = new InterAreaFlows([new AreaFlow(JapanAreas.Chubu, JapanAreas.Tokyo, S(50, 0))]);
        var traced = GridSignals.ConsumptionCarbon(mixes, flows);
        Assert.Equal(((100 * 820) + (50 * 490)) / 150.0, traced["TK"][0], 9);
        Assert.Equal(490, traced["CB"][0], 9);
    }

    [Fact]
    public void EstimateFromNetImports_FlowsMeetEveryAreasNetImport()
    {
        var start = new DateTimeOffset(2026, 4, 1, 0, 0, 0, Jst.Offset);
        double[] net = [-300, -2000, 3000, 500, -200, 800, -900, -400, -500, 0]; // sums to 0
        var series = JapanAreas.All.Select((a, i) => (a.Code, TimeSeries.Wrap(start, TimeSpan.FromMinutes(30), [net[i]], SeriesUnit.Megawatts)))
            .ToDictionary(x => x.Code, x => x.Item2);
        var flows = InterAreaFlows.EstimateFromNetImports(series);
        var m = flows.MatrixAt(0);
        for (var a = 0; a < 10; a++)
        {
            double inflow = 0;
            for (var b = 0; b < 10; b++)
            {
                inflow += m[b, a] - m[a, b];
            }

            Assert.Equal(net[a], inflow, 6);
        }
    }

    [Fact]
    public void FromOccto_SumsIntertiesPerAreaPair()
    {
        var snap = OcctoSnapshotImporter.ReadFile(Testing.SharedData.Path("japan", "occto", "dashboard-20260503.json"));
        var flows = InterAreaFlows.FromOccto(snap);
        var m = flows.MatrixAt(0);
        Assert.Equal(3903.3, m[1, 2], 6); // 相馬双葉幹線 Tohoku -> Tokyo
        Assert.Equal(2078.7, m[6, 5], 6); // 西播東岡山線・山崎智頭線 Kansai -> Chugoku at -2078.7: Chugoku -> Kansai
    }
}
