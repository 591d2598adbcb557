using FsCheck;
using FsCheck.Xunit;
using WattBit.Grid.Headroom;

namespace WattBit.Grid.Tests;

/// <summary>Rules that must hold at every bus and step, checked on random draws.</summary>
public sealed class HeadroomPropertyTests
{
    private static readonly Lazy<HeadroomEngine> s_engine = new(() =>
        HeadroomTests.Engine(HeadroomTests.WithEmergencyRatings(TestCases.Pglib("pglib_opf_case30_ieee.m"), 1.4), 48, new HeadroomOptions(CapMw: 3000), seed: 9));

    [Property(MaxTest = 60)]
    public bool Headroom_IsBetweenZeroAndCap_AndN1AtMostN0(PositiveInt busDraw, PositiveInt stepDraw)
    {
        var engine = s_engine.Value;
        var bus = busDraw.Get % engine.Sensitivities.Model.BusCount;
        var step = stepDraw.Get % engine.Steps;
        var r = new BusHeadroom(engine.Steps);
        engine.Compute(bus, r);
        return r.N0Mw[step] >= 0 && r.N0Mw[step] <= 3000 && r.N1Mw[step] >= 0 && r.N1Mw[step] <= r.N0Mw[step];
    }

    [Property(MaxTest = 60)]
    public bool Headroom_AddingTheN0Headroom_KeepsPushedFlowsWithinRatingAndBindsOne(PositiveInt busDraw, PositiveInt stepDraw)
    {
        var engine = s_engine.Value;
        var model = engine.Sensitivities.Model;
        var bus = busDraw.Get % model.BusCount;
        var step = stepDraw.Get % engine.Steps;
        var r = new BusHeadroom(engine.Steps);
        engine.Compute(bus, r);
        var h = r.N0Mw[step];
        var beta = engine.Sensitivity(bus);
        var p = engine.Series.Injections(step);
        var f0 = new double[model.BranchCount];
        model.Solve(p, f0);
        var binding = false;
        for (var l = 0; l < beta.Length; l++)
        {
            var rate = model.Network.Branches[l].RateA;
            if (!model.IsActive(l) || rate <= 0 || Math.Abs(beta[l]) <= 1e-6)
            {
                continue;
            }

            var pushed = Math.Sign(beta[l]) * (f0[l] + (beta[l] * h));
            var before = Math.Sign(beta[l]) * f0[l];
            // Within rating after adding h, unless the branch was already past it (headroom 0).
            if (pushed > rate + 1e-6 && !(h == 0 && before >= rate - 1e-6))
            {
                return false;
            }

            binding |= Math.Abs(pushed - rate) < 1e-6 || (h == 0 && before >= rate - 1e-6);
        }

        return binding == (r.N0Branch[step] >= 0);
    }
}
