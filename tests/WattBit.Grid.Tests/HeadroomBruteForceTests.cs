using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;

namespace WattBit.Grid.Tests;

/// <summary>
/// Headroom against a brute force that never uses PTDF or LODF: re-solve the DC power flow with the load added (and
/// with the branch removed for N-1) and bisect on the added load.
/// </summary>
public sealed class HeadroomBruteForceTests
{
    [Theory]
    [InlineData("pglib_opf_case30_ieee.m", Balancing.Distributed, 11)]
    [InlineData("pglib_opf_case30_ieee.m", Balancing.Reference, 12)]
    [InlineData("pglib_opf_case118_ieee.m", Balancing.Distributed, 13)]
    [InlineData("pglib_opf_case118_ieee.m", Balancing.Reference, 14)]
    public void Headroom_EqualsBisectionOnReSolvedFlows(string file, Balancing balance, int seed)
    {
        // pglib's base dispatch is not N-1 secure at rateB = rateA (N-1 headroom is mostly 0); emergency ratings of
        // 1.6 x rateA make contingency limits bind inside the range, so the comparison is informative.
        var net = HeadroomTests.WithEmergencyRatings(TestCases.Pglib(file), 1.6);
        var engine = HeadroomTests.Engine(net, 24 * 7, new HeadroomOptions(balance, CapMw: 5000), seed);
        var model = engine.Sensitivities.Model;
        var rng = new Random(seed);
        var r = new BusHeadroom(engine.Steps);
        // Outage models, one per contingency, built once.
        var outModels = new Dictionary<int, DcModel>();
        var interior = 0;
        for (var trial = 0; trial < 6; trial++)
        {
            var bus = rng.Next(model.BusCount);
            var step = rng.Next(engine.Steps);
            engine.Compute(bus, r);
            var p = engine.Series.Injections(step);
            var n0 = Bisect(model, p, bus, balance, emergency: false, 5000);
            Assert.True(Math.Abs(n0 - r.N0Mw[step]) <= 1e-5 * Math.Max(1, n0), $"bus {bus + 1} step {step}: N-0 {r.N0Mw[step]}, brute force {n0}");
            var n1 = n0;
            foreach (var c in engine.Contingencies)
            {
                if (!outModels.TryGetValue(c, out var outModel))
                {
                    var outNet = new PowerNetwork("out", net.BaseMva, net.Buses, net.Generators,
                        net.Branches.Select((b, i) => i == c ? b with { InService = false } : b));
                    outModel = new DcModel(outNet);
                    outModels[c] = outModel;
                }

                n1 = Math.Min(n1, Bisect(outModel, p, bus, balance, emergency: true, 5000));
            }

            Assert.True(Math.Abs(n1 - r.N1Mw[step]) <= 1e-5 * Math.Max(1, n1), $"bus {bus + 1} step {step}: N-1 {r.N1Mw[step]}, brute force {n1}");
            interior += n1 > 0 && n1 < n0 && n0 < 5000 ? 1 : 0;
        }

        Assert.True(interior > 0, "at least one trial must be limited by a contingency below the N-0 headroom");
    }

    /// <summary>The largest extra load at the bus such that no branch exceeds its rating in the direction the load pushes.</summary>
    internal static double Bisect(DcModel model, double[] p, int bus, Balancing balance, bool emergency, double cap)
    {
        var net = model.Network;
        var f0 = Flows(model, p, bus, balance, 0);
        var f1 = Flows(model, p, bus, balance, 1);
        bool Feasible(double dp)
        {
            var f = Flows(model, p, bus, balance, dp);
            for (var l = 0; l < f.Length; l++)
            {
                var br = net.Branches[l];
                var rate = emergency ? br.EmergencyRating : br.RateA;
                var push = f1[l] - f0[l];
                if (!model.IsActive(l) || rate <= 0 || Math.Abs(push) <= 1e-6)
                {
                    continue;
                }

                if (Math.Sign(push) * f[l] > rate + 1e-9)
                {
                    return false;
                }
            }

            return true;
        }

        if (!Feasible(0))
        {
            return 0;
        }

        if (Feasible(cap))
        {
            return cap;
        }

        double lo = 0, hi = cap;
        for (var i = 0; i < 80 && hi - lo > 1e-9; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (Feasible(mid))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    internal static double[] Flows(DcModel model, double[] p, int bus, Balancing balance, double dp)
    {
        var net = model.Network;
        var q = (double[])p.Clone();
        q[bus] -= dp;
        if (balance == Balancing.Distributed)
        {
            double total = 0;
            foreach (var g in net.Generators)
            {
                total += g.InService && g.Pg > 0 ? g.Pg : 0;
            }

            foreach (var g in net.Generators)
            {
                if (g.InService && g.Pg > 0)
                {
                    q[g.BusIndex] += dp * g.Pg / total;
                }
            }
        }

        var f = new double[model.BranchCount];
        model.Solve(q, f);
        return f;
    }
}
