using WattBit.Areas;
using WattBit.Grid.Headroom;
using WattBit.Grid.Layer;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Grid.Tests.Layer;

/// <summary>
/// The headroom below zero (decision 0234): where lines are already over their limits, how much load at the bus must fall for
/// every line to be within its limit, and the line that sets it; by hand on a triangle and against re-solved flows.
/// </summary>
public sealed class BelowZeroTests
{
    private static readonly DateTimeOffset s_start = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    // A triangle of equal reactances: bus 1 generates for bus 2's 60 MW × s(t); the cluster is at bus 3. Branch order A (1-3),
    // B (1-2), C (2-3). By hand, L MW added at bus 3 (met at bus 1): with everything in service A carries 20·s + 2L/3, B 40·s + L/3;
    // with A out, B carries 60·s + L (1 MW per MW). Ratings: A 15 (normal and emergency 1,000), B 30 (emergency 20), C 1,000.
    // So A's N-0 limit is 1.5·(15 − 20·s), B's 3·(30 − 40·s), B's under the outage of A 20 − 60·s; every other limit is above
    // 900 MW for s ≤ 1 (with B out A carries 60·s + L against 1,000; with C out A carries L, B 60·s independent of L).
    private static readonly string s_case = TestCases.Text(
        "1 3 0 0 0 0 1 1 0 275 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 275 1 1.1 0.9;\n3 1 0 0 0 0 1 1 0 275 1 1.1 0.9;",
        "1 60 0 300 -300 1 100 1 450 0;",
        "1 3 0 0.1 0 15 1000 0 0 0 1;\n1 2 0 0.1 0 30 20 0 0 0 1;\n2 3 0 0.1 0 1000 1000 0 0 0 1;");

    private static double Scale(int t) => 0.25 + (0.75 * t / 23.0);

    private static ModelHeadroomLayer Layer(bool belowZero, ContingencyCriterion criterion = ContingencyCriterion.N1)
    {
        var net = MatpowerCase.Parse(s_case, "triangle.m");
        var times = Enumerable.Range(0, 24).Select(t => s_start.AddHours(t)).ToArray();
        var profile = new GridProfile(times, [.. Enumerable.Range(0, 24).Select(Scale)], new double[24]);
        var node = new LayerNode(new Substation("S3", "S3", JapanAreas.Tokyo, 275, new GeoPoint(35.6, 139.9)), 3);
        return ModelHeadroomLayer.Compute(net, [node], profile, "triangle.m", synthetic: true, "test profile", b => ((char)('A' + b)).ToString(),
            new HeadroomOptions(Criterion: criterion), lineFactors: true, belowZero: belowZero);
    }

    private static IReadOnlyList<HeadroomHour> Day(ModelHeadroomLayer layer) => layer.Hourly("S3", new TimeWindow(s_start, s_start.AddHours(24)));

    [Fact]
    public void N0_BelowZero_IsTheMostOverloadedLinePerMW_NotTheLowestIndexAtZero()
    {
        var hours = Day(Layer(belowZero: true, ContingencyCriterion.N0));
        var crossed = 0;
        for (var t = 0; t < 24; t++)
        {
            var s = Scale(t);
            double a = 1.5 * (15 - (20 * s)), b = 3 * (30 - (40 * s));
            var h = hours[t];
            Assert.Equal(Math.Min(a, b), h.N0SignedMw, 9);
            Assert.Equal(Math.Max(0, Math.Min(a, b)), h.N0Mw, 9);
            Assert.Equal(a <= b ? "A" : "B", h.N0Line);
            Assert.Equal(a <= b ? 2.0 / 3 : 1.0 / 3, h.N0LineFactor, 9);
            crossed += b < 0 && b < a ? 1 : 0;
        }

        // B sets it below 0 for s > 0.75 while A, the lower index, is also over its rating there: the old layer named A.
        Assert.True(crossed >= 5, $"B should set the headroom below 0 in the later hours ({crossed})");
        var old = Day(Layer(belowZero: false, ContingencyCriterion.N0));
        Assert.Equal("A", old[23].N0Line);
        Assert.True(double.IsNaN(old[23].N0SignedMw));
    }

    [Fact]
    public void N1_BelowZero_TakesEveryOutage_AndNamesTheLineAndTheOutageThatSetIt()
    {
        var hours = Day(Layer(belowZero: true));
        for (var t = 0; t < 24; t++)
        {
            var s = Scale(t);
            double a = 1.5 * (15 - (20 * s)), b = 3 * (30 - (40 * s)), bOutA = 20 - (60 * s);
            var h = hours[t];
            var min = Math.Min(a, Math.Min(b, bOutA));
            Assert.Equal(min, h.SecureSignedMw, 9);
            Assert.Equal(Math.Max(0, min), h.N1Mw, 9);
            Assert.Equal("B", h.LimitingLine);
            Assert.Equal("A", h.Contingency);
            Assert.Equal(1.0, h.LineFactor, 9);
        }

        // At s = 1: 40 MW below 0 (B carries 60 MW under the outage of A against 20), while the old layer stopped at 0 on A's N-0 limit.
        Assert.Equal(-40, hours[23].SecureSignedMw, 9);
        var old = Day(Layer(belowZero: false));
        Assert.Equal(0, old[23].N1Mw);
        Assert.Equal("A", old[23].LimitingLine);
        Assert.Null(old[23].Contingency);
    }

    [Fact]
    public void LoadingTheBusByItsHeadroomBelowZero_LeavesEveryLineExactlyAtItsLimit()
    {
        // Shedding 40 MW at bus 3 (an injection of 40 MW there, met at bus 1) at s = 1: B under the outage of A is then exactly at its
        // 20 MW emergency rating, so the headroom is 0, with no line over it; the engine recomputed on the changed case says so.
        var shed = TestCases.Text(
            "1 3 0 0 0 0 1 1 0 275 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 275 1 1.1 0.9;\n3 1 -40 0 0 0 1 1 0 275 1 1.1 0.9;",
            "1 20 0 300 -300 1 100 1 450 0;",
            "1 3 0 0.1 0 15 1000 0 0 0 1;\n1 2 0 0.1 0 30 20 0 0 0 1;\n2 3 0 0.1 0 1000 1000 0 0 0 1;");
        var net = MatpowerCase.Parse(shed, "shed.m");
        var profile = new GridProfile([s_start], [1.0], [0.0]);
        var model = new DcModel(net);
        var engine = new HeadroomEngine(Sensitivities.Build(model), new NetworkTimeSeries(model, profile), new HeadroomOptions());
        var r = new BusHeadroom(1);
        engine.Compute(2, r);
        var below = engine.ComputeBelowZero(2, r);
        Assert.Equal(0, below.SecureMw[0], 9);
    }

    [Theory]
    [InlineData("pglib_opf_case30_ieee.m", Balancing.Distributed, 21)]
    [InlineData("pglib_opf_case118_ieee.m", Balancing.Reference, 22)]
    public void BelowZero_EqualsTheMostNegativeMarginOnReSolvedFlows(string file, Balancing balance, int seed)
    {
        // Emergency ratings at the normal ones: pglib's base dispatch is not N-1 secure, so the N-1 headroom is 0 in most steps.
        // The oracle never uses PTDF or LODF: the DC flows are re-solved with 0 and 1 MW added at the bus (and each branch out),
        // and each line's margin in the direction the load pushes is divided by what 1 MW moves on it.
        var net = HeadroomTests.WithEmergencyRatings(TestCases.Pglib(file), 1.0);
        var engine = HeadroomTests.Engine(net, 24, new HeadroomOptions(balance, CapMw: 5000), seed);
        var model = engine.Sensitivities.Model;
        var outModels = engine.Contingencies.ToArray().ToDictionary(c => c, c => new DcModel(new PowerNetwork("out", net.BaseMva, net.Buses, net.Generators,
            net.Branches.Select((b, i) => i == c ? b with { InService = false } : b))));
        var rng = new Random(seed);
        var r = new BusHeadroom(engine.Steps);
        var checkedBelow = 0;
        for (var trial = 0; trial < 40 && checkedBelow < 4; trial++)
        {
            var bus = rng.Next(model.BusCount);
            engine.Compute(bus, r);
            var below = engine.ComputeBelowZero(bus, r);
            var step = rng.Next(engine.Steps);
            if (!(r.N1Mw[step] <= 0))
            {
                Assert.Equal(r.N1Mw[step], below.SecureMw[step]);
                continue;
            }

            var p = engine.Series.Injections(step);
            var (n0, _) = Margin(model, p, bus, balance, emergency: false);
            var n1 = n0;
            foreach (var (c, m) in outModels)
            {
                n1 = Math.Min(n1, Margin(m, p, bus, balance, emergency: true).Mw);
            }

            Assert.True(Math.Abs(n1 - below.SecureMw[step]) <= 1e-6 * Math.Max(1, Math.Abs(n1)), $"bus {bus + 1} step {step}: {below.SecureMw[step]}, re-solved {n1}");
            if (r.N0Mw[step] <= 0)
            {
                Assert.True(Math.Abs(n0 - below.N0Mw[step]) <= 1e-6 * Math.Max(1, Math.Abs(n0)), $"bus {bus + 1} step {step}: N-0 {below.N0Mw[step]}, re-solved {n0}");
            }

            // The line named sets it: its own margin under the outage named is the minimum.
            var c0 = below.SecureContingency[step];
            var named = c0 < 0 ? Margin(model, p, bus, balance, false, below.SecureBranch[step]) : Margin(outModels[c0], p, bus, balance, true, below.SecureBranch[step]);
            Assert.True(Math.Abs(named.Mw - n1) <= 1e-6 * Math.Max(1, Math.Abs(n1)), $"bus {bus + 1} step {step}: the named line's margin {named.Mw}, the least {n1}");
            checkedBelow++;
        }

        Assert.True(checkedBelow >= 4, $"at least four steps at 0 must be checked ({checkedBelow})");
    }

    // The least margin over the lines (or one line) in the direction 1 MW at the bus pushes, per MW it pushes: from two re-solved flows.
    private static (double Mw, int Branch) Margin(DcModel model, double[] p, int bus, Balancing balance, bool emergency, int only = -1)
    {
        var f0 = HeadroomBruteForceTests.Flows(model, p, bus, balance, 0);
        var f1 = HeadroomBruteForceTests.Flows(model, p, bus, balance, 1);
        var best = (Mw: double.PositiveInfinity, Branch: -1);
        for (var l = 0; l < f0.Length; l++)
        {
            var br = model.Network.Branches[l];
            var rate = emergency ? br.EmergencyRating : br.RateA;
            var push = f1[l] - f0[l];
            if ((only >= 0 && l != only) || !model.IsActive(l) || !(rate > 0) || Math.Abs(push) <= 1e-6)
            {
                continue;
            }

            var m = (rate - (Math.Sign(push) * f0[l])) / Math.Abs(push);
            if (m < best.Mw)
            {
                best = (m, l);
            }
        }

        return best;
    }
}
