using System.Globalization;
using WattBit.Formats;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Testing;

namespace WattBit.Grid.Tests;

/// <summary>
/// PSS/E RAW import checked against the MATPOWER files of the same systems (../shared/data/grid/psse and matpower):
/// the DC power flow and the PTDF are identical where the data are the same, and every difference in the data is
/// listed and explained here (and in docs/grid-headroom.md).
/// </summary>
public sealed class PsseRawCaseTests
{
    private static PowerNetwork Raw(string file) => PsseRawCase.Load(SharedData.Path("grid", "psse", file));

    [Fact]
    public void Ieee14_SameBusesLoadsShuntsGeneratorsAndBranchesAsCase14()
    {
        var raw = Raw("IEEE14_PTIv33.raw");
        var m = TestCases.Matpower("case14.m");
        // The only differences: RAW gives every bus BASKV = 100 kV (case14.m: 0) and every generator PT = PB = 0
        // (case14.m: Pmax = Pg + 100); neither enters the DC model.
        Assert.Equal(
            ["bus base kV differs at 14 buses", "generator Pmax differs at 5 generators"],
            Differences(raw, m));
        AssertSameDcModel(raw, m, raw.ReferenceBus);
    }

    [Fact]
    public void Polish3120_SameNetworkAsCase3120sp_DifferencesAreSlackOutputRatingsAndRoundedCharging()
    {
        var raw = Raw("Polish_model_v33.raw");
        var m = TestCases.Matpower("case3120sp.m");
        // The RAW file is a solved AC case: its three units at the reference bus 37 carry the AC slack output
        // (3 × 511.103 MW) where case3120sp.m has the dispatch 370 + 340 + 340 MW, and its buses carry solved angles
        // (case3120sp.m: 0; only the reference angle enters the DC model, and it is 0 in both). Its ratings are other
        // values (RATEA/RATEB per line; case3120sp.m has one rating per line), and 57 line-charging values carry one
        // more digit; 16 buses are in area 1 where case3120sp.m writes area 0. None but the reference output enters the DC model, and the reference bus absorbs any imbalance.
        Assert.Equal(
            [
                "bus area differs at 16 buses: 240 1/0, 3103 1/0, 3104 1/0, 3105 1/0, 3106 1/0, 3107 1/0, 3108 1/0, 3109 1/0, 3110 1/0, 3111 1/0, 3113 1/0, 3114 1/0, 3115 1/0, 3116 1/0, 3117 1/0, 3118 1/0",
                "bus angle differs at 3119 buses",
                "generator Pg differs at 3 generators: bus 37 511.103/370, bus 37 511.103/340, bus 37 511.103/340",
                "branch B differs at 55 branches",
                "branch rateA differs at 366 branches",
                "branch rateB differs at 356 branches",
            ],
            Differences(raw, m));
        AssertSameDcModel(raw, m, m.BusIndex(37));
    }

    [Fact]
    public void Ieee118_RawMergesSevenParallelPairsAndModelsPartOfTheLoadAsNegativeGenerators()
    {
        var raw = Raw("118_PTIv33.raw");
        var m = TestCases.Matpower("case118.m");
        // The RAW file (a converted export) differs in the data itself: 7 pairs of parallel circuits are one
        // equivalent branch each; part of the load at 15 buses is a generator with negative output (net injections are
        // the same except at the reference bus 69, which carries its solved output); 20 units with Pg = 0 are out of
        // service; bus base kV, angles, Pmax and all ratings differ. None of these but the merged pairs and the
        // reference output enters the DC model.
        var merged = new[] { (42, 49), (49, 54), (49, 66), (56, 59), (77, 80), (89, 90), (89, 92) };
        var diff = Differences(raw, m);
        Assert.Contains("branches only in the MATPOWER case: 42-49, 49-54, 56-59, 49-66, 77-80, 89-90, 89-92", diff);
        Assert.Contains("branch X differs at 7 branches", diff);
        Assert.Contains("bus Pd differs at 15 buses", diff);
        Assert.Contains("generator status differs at 20 generators", diff);
        var injRaw = new DcModel(raw).CaseInjections();
        var injM = new DcModel(m).CaseInjections();
        var differing = Enumerable.Range(0, injRaw.Length).Where(i => Math.Abs(injRaw[i] - injM[i]) > 1e-9).Select(i => m.Buses[i].Number);
        Assert.Equal([69], differing);
        Assert.Equal(m.BusIndex(69), m.ReferenceBus);

        // Replace each MATPOWER pair by the RAW's equivalent branch: then the DC model is the same.
        var keep = new List<Branch>();
        var seen = new HashSet<(int, int)>();
        foreach (var br in m.Branches)
        {
            var key = (m.Buses[br.From].Number, m.Buses[br.To].Number);
            if (Array.IndexOf(merged, key) >= 0)
            {
                if (!seen.Add(key))
                {
                    continue;
                }

                var eq = raw.Branches.Single(b => b.From == br.From && b.To == br.To);
                keep.Add(br with { X = eq.X, R = eq.R });
                continue;
            }

            keep.Add(br);
        }

        var aligned = new PowerNetwork("case118 with merged pairs", m.BaseMva, m.Buses, m.Generators, keep);
        AssertSameDcModel(raw, aligned, m.ReferenceBus);
    }

    [Fact]
    public void Parse_BadNumber_NamesFileLineAndField()
    {
        var text = Tiny.Replace("2,'1 ',1,1,1, 21.7", "2,'1 ',1,1,1, 2x.7", StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => PsseRawCase.Parse(text, "bad.raw"));
        Assert.Equal("bad.raw", e.Source);
        Assert.Equal(8, e.Line);
        Assert.Contains("field PL", e.Message, StringComparison.Ordinal);
        Assert.Contains("'2x.7'", e.Message, StringComparison.Ordinal);
        Assert.True(e.Column > 0);
    }

    [Fact]
    public void Parse_BranchAtUnknownBus_NamesTheBusAndField()
    {
        var text = Tiny.Replace("1, 2,'1 ', 0.01, 0.1", "1, 9,'1 ', 0.01, 0.1", StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => PsseRawCase.Parse(text, "bad.raw"));
        Assert.Equal(15, e.Line);
        Assert.Contains("field J: bus 9 is not in the bus data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OtherRevision_IsRejectedWithTheField()
    {
        var e = Assert.Throws<InputFormatException>(() => PsseRawCase.Parse(Tiny.Replace("0, 100.0, 33", "0, 100.0, 30", StringComparison.Ordinal), "old.raw"));
        Assert.Equal(1, e.Line);
        Assert.Contains("field REV: revision 30 is not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ThreeWindingTransformer_IsRejectedWithItsLine()
    {
        var text = Tiny.Replace("1, 2, 0,'T1'", "1, 2, 3,'T1'", StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => PsseRawCase.Parse(text, "t3.raw"));
        Assert.Equal(17, e.Line);
        Assert.Contains("field K: three-winding", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FileEndsInsideASection_SaysWhichSection()
    {
        var cut = Tiny[..Tiny.IndexOf("0 / END OF GENERATOR", StringComparison.Ordinal)];
        var e = Assert.Throws<InputFormatException>(() => PsseRawCase.Parse(cut, "cut.raw"));
        Assert.Contains("inside the generator data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TinyCase_ConvertsLoadsShuntsAndTransformerByHand()
    {
        var net = PsseRawCase.Parse(Tiny, "tiny.raw");
        Assert.Equal(3, net.Buses.Length);
        // Load at bus 2: PL + IP·VM + YP·VM² = 21.7 + 10·1.02 + 5·1.02²; a second load out of service is ignored.
        Assert.Equal(21.7 + (10 * 1.02) + (5 * 1.02 * 1.02), net.Buses[1].Pd, 12);
        Assert.Equal(3, net.Buses[2].Gs, 12); // fixed shunt GL
        Assert.Equal(2, net.Branches.Length);
        var t = net.Branches[1];
        // CW = 2 (kV), CZ = 2 (winding base 50 MVA, NOMV1 = bus base): tap = (230/220)/(132/138), x = 0.05·100/50.
        Assert.Equal(230.0 / 220 / (132.0 / 138), t.Ratio, 12);
        Assert.Equal(0.1, t.X, 12);
        Assert.Equal(-30, t.ShiftDegrees);
        Assert.Equal(90, t.RateA);
        var area = Assert.Single(net.Areas);
        Assert.Equal(new Area(1, "NORTH", 22), area);
        Assert.Equal("AREA-ONE", net.Buses[0].Name);
    }

    [Fact]
    public void CaseFile_ChoosesTheReaderByExtension()
    {
        Assert.True(CaseFile.IsRaw("a/b/IEEE14_PTIv33.RAW"));
        Assert.False(CaseFile.IsRaw("case14.m"));
        Assert.Equal(14, CaseFile.Load(SharedData.Path("grid", "psse", "IEEE14_PTIv33.raw")).Buses.Length);
    }

    private const string Tiny = """
        0, 100.0, 33, 0, 0, 60.0 / tiny case
        title one
        title two
        1,'AREA-ONE', 220.0, 3, 1, 1, 1, 1.00, 0.0
        2,'B2', 138.0, 1, 1, 1, 1, 1.02, -2.0
        3,'B3', 138.0, 2, 1, 1, 1, 1.01, -1.0
        0 / END OF BUS DATA, BEGIN LOAD DATA
        2,'1 ',1,1,1, 21.7, 5.0, 10.0, 0.0, 5.0, 0.0, 1, 1
        2,'2 ',0,1,1, 99.0, 5.0
        0 / END OF LOAD DATA, BEGIN FIXED SHUNT DATA
        3,'1 ',1, 3.0, 10.0
        0 / END OF FIXED SHUNT DATA, BEGIN GENERATOR DATA
        1,'1 ', 50.0, 0.0, 99.0, -99.0, 1.0, 0, 100.0, 0, 1, 0, 0, 1, 1, 100, 200.0, 0.0
        0 / END OF GENERATOR DATA, BEGIN BRANCH DATA
        1, 2,'1 ', 0.01, 0.1, 0.02, 100, 120, 130, 0, 0, 0, 0, 1, 1, 0.0
        0 / END OF BRANCH DATA, BEGIN TRANSFORMER DATA
        1, 2, 0,'T1',2,2,1, 0.0, 0.0, 2,'XF1 ', 1, 1, 1.0
        0.0, 0.05, 50.0
        230.0, 0.0, -30.0, 90.0, 100.0, 110.0, 0, 0, 1.1, 0.9, 1.1, 0.9, 33, 0, 0.0, 0.0, 0.0
        132.0, 0.0
        0 / END OF TRANSFORMER DATA, BEGIN AREA DATA
        1, 1, 0.0, 10.0,'NORTH'
        0 / END OF AREA DATA, BEGIN TWO-TERMINAL DC DATA
        0 / END OF TWO-TERMINAL DC DATA
        Q
        """;

    /// <summary>Every field that differs between two versions of a case, as one line per field (branches paired by ends).</summary>
    private static List<string> Differences(PowerNetwork raw, PowerNetwork m)
    {
        var result = new List<string>();
        Assert.Equal(m.Buses.Length, raw.Buses.Length);
        Assert.Equal(m.Generators.Length, raw.Generators.Length);
        void Count(string what, int n)
        {
            if (n > 0)
            {
                result.Add($"{what} at {n.ToString(CultureInfo.InvariantCulture)} {(what.StartsWith("bus", StringComparison.Ordinal) ? "buses" : what.StartsWith("gen", StringComparison.Ordinal) ? "generators" : "branches")}");
            }
        }

        var bs = raw.Buses.Zip(m.Buses).ToList();
        Assert.All(bs, p => Assert.Equal(p.Second.Number, p.First.Number));
        Count("bus type differs", bs.Count(p => p.First.Type != p.Second.Type));
        Count("bus Pd differs", bs.Count(p => Math.Abs(p.First.Pd - p.Second.Pd) > 1e-9));
        Count("bus Gs differs", bs.Count(p => Math.Abs(p.First.Gs - p.Second.Gs) > 1e-9));
        var area = bs.Where(p => p.First.Area != p.Second.Area).ToList();
        if (area.Count > 0)
        {
            result.Add($"bus area differs at {area.Count} buses: " + string.Join(", ", area.Select(p =>
                $"{p.First.Number} {p.First.Area}/{p.Second.Area}")));
        }

        Count("bus base kV differs", bs.Count(p => p.First.BaseKv != p.Second.BaseKv));
        Count("bus angle differs", bs.Count(p => p.First.VaDegrees != p.Second.VaDegrees));
        var gs = raw.Generators.Zip(m.Generators).ToList();
        Assert.All(gs, p => Assert.Equal(p.Second.BusIndex, p.First.BusIndex));
        var pg = gs.Where(p => p.First.Pg != p.Second.Pg).ToList();
        if (pg.Count > 0)
        {
            result.Add($"generator Pg differs at {pg.Count} generators: " + string.Join(", ", pg.Select(p =>
                $"bus {m.Buses[p.First.BusIndex].Number} {p.First.Pg.ToString(CultureInfo.InvariantCulture)}/{p.Second.Pg.ToString(CultureInfo.InvariantCulture)}")));
        }

        Count("generator status differs", gs.Count(p => p.First.InService != p.Second.InService));
        Count("generator Pmax differs", gs.Count(p => p.First.Pmax != p.Second.Pmax));
        var (pairs, onlyM) = PairBranches(raw, m);
        if (onlyM.Count > 0)
        {
            result.Add("branches only in the MATPOWER case: " + string.Join(", ", onlyM.Select(i => $"{m.Buses[m.Branches[i].From].Number}-{m.Buses[m.Branches[i].To].Number}")));
        }

        var br = pairs.Select(p => (a: raw.Branches[p.Raw], b: m.Branches[p.M])).ToList();
        Count("branch X differs", br.Count(p => p.a.X != p.b.X));
        Count("branch tap differs", br.Count(p => Math.Abs(p.a.Tap - p.b.Tap) > 1e-12));
        Count("branch shift differs", br.Count(p => p.a.ShiftDegrees != p.b.ShiftDegrees));
        Count("branch status differs", br.Count(p => p.a.InService != p.b.InService));
        Count("branch B differs", br.Count(p => p.a.B != p.b.B));
        Count("branch rateA differs", br.Count(p => p.a.RateA != p.b.RateA));
        Count("branch rateB differs", br.Count(p => p.a.RateB != p.b.RateB));
        return result;
    }

    /// <summary>Pairs RAW and MATPOWER branches by their ends (parallel circuits by nearest reactance); returns the
    /// MATPOWER branches left without a partner.</summary>
    private static (List<(int Raw, int M)> Pairs, List<int> OnlyM) PairBranches(PowerNetwork raw, PowerNetwork m)
    {
        var byEnds = m.Branches.Select((b, i) => (b, i)).GroupBy(p => (p.b.From, p.b.To))
            .ToDictionary(g => g.Key, g => g.Select(p => p.i).ToList());
        var pairs = new List<(int, int)>();
        for (var i = 0; i < raw.Branches.Length; i++)
        {
            var a = raw.Branches[i];
            Assert.True(byEnds.TryGetValue((a.From, a.To), out var list) && list.Count > 0,
                $"RAW branch at line {a.Line} ({raw.Buses[a.From].Number}-{raw.Buses[a.To].Number}) has no MATPOWER partner");
            var best = list.OrderBy(j => Math.Abs(m.Branches[j].X - a.X)).First();
            list.Remove(best);
            pairs.Add((i, best));
        }

        return (pairs, [.. byEnds.Values.SelectMany(l => l).Order()]);
    }

    /// <summary>Same DC power flow (with the MATPOWER case's injections) and same PTDF, branch by paired branch.</summary>
    private static void AssertSameDcModel(PowerNetwork raw, PowerNetwork m, int reference)
    {
        Assert.Equal(reference, raw.ReferenceBus);
        var (pairs, onlyM) = PairBranches(raw, m);
        Assert.Empty(onlyM);
        var ma = new DcModel(raw);
        var mb = new DcModel(m);
        var injections = mb.CaseInjections(); // the reference bus takes the balance in both
        var fa = new double[ma.BranchCount];
        var fb = new double[mb.BranchCount];
        ma.Solve(injections, fa);
        mb.Solve(injections, fb);
        var fr = new double[ma.BranchCount];
        ma.Solve(ma.CaseInjections(), fr);
        foreach (var (r, k) in pairs)
        {
            Assert.True(Math.Abs(fa[r] - fb[k]) <= 1e-9 * Math.Max(1, Math.Abs(fb[k])), $"flow {fa[r]} vs {fb[k]}");
            Assert.True(Math.Abs(fr[r] - fb[k]) <= 1e-9 * Math.Max(1, Math.Abs(fb[k])), $"flow with the RAW's own injections {fr[r]} vs {fb[k]}");
        }

        var sa = Sensitivities.Build(ma);
        var sb = Sensitivities.Build(mb);
        for (var bus = 0; bus < m.Buses.Length; bus += Math.Max(1, m.Buses.Length / 200))
        {
            foreach (var (r, k) in pairs)
            {
                Assert.True(Math.Abs(sa.Ptdf(r, bus) - sb.Ptdf(k, bus)) <= 1e-12, $"PTDF bus {m.Buses[bus].Number}");
            }
        }
    }
}
