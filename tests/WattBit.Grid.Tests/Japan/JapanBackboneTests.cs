using WattBit.Formats;
using WattBit.Grid.Japan;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Testing;

namespace WattBit.Grid.Tests.Japan;

public sealed class JapanBackboneTests
{
    private static readonly Lazy<JapanModelSources> s_sources = new(() => JapanModelSources.Load(SharedData.Path("japan")));

    [Fact]
    public void LoadDefault_HasTheTenAreasWithNamesAndCoordinates()
    {
        var model = JapanBackbone.LoadDefault();
        Assert.Equal(10, model.Buses.Select(b => b.Area.Code).Distinct().Count());
        Assert.All(model.Buses, b =>
        {
            Assert.False(string.IsNullOrWhiteSpace(b.Name));
            Assert.InRange(b.Location.Latitude, 24, 46);
            Assert.InRange(b.Location.Longitude, 122, 146);
        });
        Assert.Equal(model.Network.Buses.Length, model.Buses.Length);
        Assert.Equal(model.Network.Buses.Select(b => b.Number), model.Buses.Select(b => b.Number));
    }

    [Fact]
    public void LoadDefault_FindsAnOcctoLineByName()
    {
        var model = JapanBackbone.LoadDefault();
        Assert.True(model.TryGetBranches("TK", "新古河線", out var circuits));
        Assert.Equal(2, circuits.Count);
        var br = model.Network.Branches[circuits[0]];
        Assert.Equal("TK:新古河", model.Buses[br.From].SubstationId);
        Assert.Equal("TK:新所沢", model.Buses[br.To].SubstationId);
        Assert.Equal("新古河線 1L", model.Branches[circuits[0]].DisplayName);
    }

    [Theory]
    [InlineData("TK", "京浜線1/2L", "西南多摩線", "571T(西南多摩線) → 京浜", "西東京 → 多摩")]
    [InlineData("KN", "西大阪東支線", "北大阪線", "西大阪変電所 → １７T（北大阪線）", "宝塚開閉所 → 北大阪変電所（西大阪変電所）")]
    public void LoadDefault_ATeeSitsOnTheLineItNames(string area, string branchLine, string host, string branchDirection, string hostDirection)
    {
        // OCCTO's text alone says where the tee is: the branch line ends at a tower of the host line, so the tee bus joins
        // the branch line and both parts of the host line (before decision 0127 it hung on the branch line alone).
        var model = JapanBackbone.LoadDefault();
        Assert.True(model.TryGetBranches(area, branchLine, out var branch));
        Assert.Equal(branchDirection, model.Branches[branch[0]].PositiveDirection);
        var ends = (ReadOnlySpan<int>)[model.Network.Branches[branch[0]].From, model.Network.Branches[branch[0]].To];
        var tee = ends[0];
        foreach (var end in ends)
        {
            tee = branchDirection.Split(" → ").Single(x => x.Contains('T', StringComparison.Ordinal)) == model.Buses[end].Name ? end : tee;
        }

        Assert.Equal(branchDirection.Split(" → ").Single(x => x.Contains('T', StringComparison.Ordinal)), model.Buses[tee].Name);
        var touching = Enumerable.Range(0, model.Branches.Length)
            .Where(b => model.Network.Branches[b].InService && (model.Network.Branches[b].From == tee || model.Network.Branches[b].To == tee))
            .Select(b => model.Branches[b].OcctoName).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(3, touching.Length);
        Assert.Contains(branchLine, touching);
        Assert.Contains(host, touching);
        Assert.Single(touching, n => n.StartsWith(host + "（", StringComparison.Ordinal));

        // OCCTO's values of the host line are compared with its part at its second end, in OCCTO's direction.
        Assert.True(model.TryGetBranches(area, host, out var measured));
        Assert.Equal(hostDirection, model.Branches[measured[0]].PositiveDirection);
        Assert.Equal(tee, model.Network.Branches[measured[0]].From);
        Assert.StartsWith(model.Buses[model.Network.Branches[measured[0]].To].Name, hostDirection.Split(" → ")[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ALineWhoseEndsCannotBePlaced_IsListedWithItsStation_AndTheBuildGoesOn()
    {
        // Bad input (issue 20): a calibration day whose list gains a line between two stations found nowhere.
        var sources = s_sources.Value;
        var first = sources.Days[0];
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllBytes(first.Source))!;
        var series = json["flows"]!["lineSeries"]!.AsArray();
        var ghost = series[0]!.DeepClone();
        ghost["lineName"] = "幻影線";
        ghost["positiveDirection"] = "幻影変電所 → 蜃気楼変電所";
        series.Add(ghost);
        var day = OcctoDay.Parse(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), "ghost.json");
        var model = JapanModelBuilder.Build(sources with { Days = [day, .. sources.Days.Skip(1)] }, JapanModelParameters.Default with { FitAllocation = false });

        var left = Assert.Single(model.LeftOut, x => x.What == "line" && x.Name == "幻影線");
        Assert.Contains("幻影変電所", left.Reason, StringComparison.Ordinal);
        Assert.Contains("cannot be placed", left.Reason, StringComparison.Ordinal);
        Assert.False(model.TryGetBranches(left.Area, "幻影線", out _));
        Assert.True(model.TryGetBranches("TK", "新古河線", out _)); // the rest is built
    }

    [Fact]
    public void LoadDefault_EveryAreaSharesSumToOne()
    {
        var model = JapanBackbone.LoadDefault();
        foreach (var area in model.Buses.GroupBy(b => b.Area.Code))
        {
            Assert.Equal(1, area.Sum(b => b.LoadShare), 4);
            Assert.Equal(1, area.Sum(b => b.OtherShare), 4);
        }
    }

    [Fact]
    public void LineReactance_IsPerKmValueTimesLengthOverBaseImpedance()
    {
        // 500 kV: x ohm/km per circuit; Zbase = 500^2 / 100 MVA = 2500 ohm (hand-computed oracle).
        var model = JapanBackbone.LoadDefault();
        Assert.True(model.TryGetBranches("TK", "新古河線", out var circuits));
        var meta = model.Branches[circuits[0]];
        Assert.Equal(500, meta.VoltageKv);
        Assert.Equal(JapanModelParameters.Default.Reactance500 * meta.LengthKm / 2500, model.Network.Branches[circuits[0]].X, 6);
        var a = model.Buses[model.Network.Branches[circuits[0]].From].Location;
        var b = model.Buses[model.Network.Branches[circuits[0]].To].Location;
        Assert.Equal(1.2 * a.DistanceKm(b), meta.LengthKm, 1);
    }

    [Fact]
    public void LoadDefault_SolvesWithTheExistingDcPowerFlow()
    {
        var model = JapanBackbone.LoadDefault();
        var result = DcPowerFlow.Solve(new DcModel(model.Network));
        Assert.All(result.FlowsMw, f => Assert.True(double.IsFinite(f)));
    }

    [Fact]
    public void Build_FromSharedData_ReproducesTheEmbeddedModelByteForByte()
    {
        var built = JapanModelBuilder.Build(s_sources.Value, JapanModelParameters.Default).ToFiles();
        var asm = typeof(JapanBackbone).Assembly;
        foreach (var (name, text) in built)
        {
            using var stream = asm.GetManifestResourceStream("WattBit.Grid.Japan." + name)!;
            using var reader = new StreamReader(stream);
            Assert.True(reader.ReadToEnd() == text, $"{name} differs from a rebuild: run 'wattbit grid japan build --out src/WattBit.Grid/Japan/Resources' and commit.");
        }
    }

    [Fact]
    public void BaseDemand_IsTheCalibrationDaysMeanDemandOfOcctosAreaSeries()
    {
        // Oracle: OCCTO's own area demand series (reserves.areaSeries[].demandMw), read here without the model's reader.
        double sum = 0;
        var samples = 0;
        foreach (var day in JapanModelParameters.DefaultCalibrationDays)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(SharedData.Path("japan", "occto", $"dashboard-{day:yyyyMMdd}.json")));
            var slotTotals = new double[48];
            foreach (var area in doc.RootElement.GetProperty("reserves").GetProperty("areaSeries").EnumerateArray())
            {
                var t = 0;
                foreach (var v in area.GetProperty("demandMw").EnumerateArray())
                {
                    slotTotals[t++] += v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetDouble() : 0;
                }
            }

            sum += slotTotals.Sum();
            samples += 48;
        }

        var model = JapanBackbone.LoadDefault();
        Assert.Equal(10, model.AreaBases.Length);
        Assert.Equal(sum / samples, model.BaseDemandMw, 0.01 * model.AreaBases.Length);
        // The base case's net load is the demand less the generation outside the listed units (links net to zero).
        Assert.Equal(model.AreaBases.Sum(a => a.DemandMw - a.OtherMw), model.Network.Buses.Sum(b => b.Pd), 0.01 * model.Buses.Length);
    }

    [Fact]
    public void Build_MatchesAtLeast95PercentOfTheLines()
    {
        var sources = s_sources.Value;
        var model = JapanModelBuilder.Build(sources, JapanModelParameters.Default with { FitAllocation = false });
        var lines = sources.Days.SelectMany(d => d.Lines).Select(l => (l.Area.Code, l.Name)).Distinct().ToArray();
        var matched = lines.Count(l => model.TryGetBranches(l.Code, l.Name, out _));
        Assert.True(matched >= 0.95 * lines.Length, $"{matched} of {lines.Length} lines matched");
        Assert.Equal(lines.Length - matched, model.LeftOut.Count(x => x.What == "line"));
    }

    [Fact]
    public void MatpowerWriter_RoundTripsTheNetwork()
    {
        var model = JapanBackbone.LoadDefault();
        var again = MatpowerCase.Parse(MatpowerWriter.Write(model.Network, "japan"), "again");
        Assert.Equal(model.Network.Buses, again.Buses.Select(b => b with { Line = 0 }), new BusComparer());
        Assert.Equal(model.Network.Branches.Select(b => (b.From, b.To, b.X, b.RateA)), again.Branches.Select(b => (b.From, b.To, b.X, b.RateA)));
    }

    private sealed class BusComparer : IEqualityComparer<Bus>
    {
        public bool Equals(Bus? x, Bus? y) => x!.Number == y!.Number && x.Pd == y.Pd && x.Type == y.Type && x.Name == y.Name && x.BaseKv == y.BaseKv;

        public int GetHashCode(Bus obj) => obj.Number;
    }
}
