using WattBit.Areas;
using WattBit.Grid.Layer;
using WattBit.Grid.Network;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Grid.Tests.Layer;

public sealed class ModelHeadroomLayerTests
{
    // 2024-04-01 00:00 JST.
    private static readonly DateTimeOffset s_start = new(2024, 4, 1, 0, 0, 0, Jst.Offset);

    // Two identical lines 1-2 (rateA 100, rateB 120) feed 60 MW × s(t) at bus 2. By hand: each line carries 30·s, so
    // N-0 headroom = 2·100 − 60·s (first line limits, ties to the lowest index) and N-1 = 120 − 60·s (one line out,
    // the other limits at its emergency rating).
    private static readonly string s_parallel = TestCases.Text(
        "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 345 1 1.1 0.9;",
        "1 60 0 300 -300 1 100 1 250 10;",
        "1 2 0 0.1 0 100 120 0 0 0 1;\n1 2 0 0.1 0 100 120 0 0 0 1;");

    private static double Scale(int t) => 0.5 + (0.5 * (t % 24) / 23.0) + (t >= 24 ? 0.25 : 0); // day 2 heavier

    private static ModelHeadroomLayer Layer(int hours = 48)
    {
        var net = MatpowerCase.Parse(s_parallel, "parallel.m");
        var times = Enumerable.Range(0, hours).Select(t => s_start.AddHours(t)).ToArray();
        var profile = new GridProfile(times, [.. Enumerable.Range(0, hours).Select(Scale)], new double[hours]);
        var dc = new Substation("S2", "南テスト", JapanAreas.Tokyo, 275, new GeoPoint(35.6, 139.9));
        return ModelHeadroomLayer.Compute(net, [new LayerNode(dc, 2)], profile, "parallel.m", synthetic: true, "test profile",
            b => b == 0 ? "Line A" : "Line B");
    }

    [Fact]
    public void Hourly_EveryHour_EqualsTheHandSolvedHeadroomWithItsLimitingLine()
    {
        var layer = Layer();
        var hours = layer.Hourly("S2", new TimeWindow(s_start, s_start.AddHours(48)));
        Assert.Equal(48, hours.Count);
        for (var t = 0; t < 48; t++)
        {
            var h = hours[t];
            Assert.Equal(s_start.AddHours(t), h.Start);
            Assert.Equal(200 - (60 * Scale(t)), h.N0Mw, 9);
            Assert.Equal(120 - (60 * Scale(t)), h.N1Mw, 9);
            Assert.Equal("Line B", h.LimitingLine);
            Assert.Equal("Line A", h.Contingency);
        }
    }

    [Fact]
    public void Hourly_WindowPartlyOutside_ReturnsOnlyHoursWithData_AndNoneOutside()
    {
        var layer = Layer();
        Assert.Equal(3, layer.Hourly("S2", new TimeWindow(s_start.AddHours(45), s_start.AddHours(60))).Count);
        Assert.Empty(layer.Hourly("S2", new TimeWindow(s_start.AddDays(10), s_start.AddDays(11))));
        // A window starting mid-hour begins at the next whole hour.
        Assert.Equal(s_start.AddHours(2), layer.Hourly("S2", new TimeWindow(s_start.AddMinutes(90), s_start.AddHours(5)))[0].Start);
    }

    [Fact]
    public void Hourly_UnknownSubstation_ThrowsNamingIt()
    {
        var e = Assert.Throws<UnknownSubstationException>(() => Layer().Hourly("nowhere", new TimeWindow(s_start, s_start.AddHours(1))));
        Assert.Contains("nowhere", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_IsTheLeastN1PerJstHour_AndTheOfferIsFirmAtItsMinimum()
    {
        var layer = Layer();
        var p = layer.Profile("S2");
        for (var h = 0; h < 24; h++)
        {
            // Day 2 (scale + 0.25) is lower at every hour.
            Assert.Equal(120 - (60 * Scale(24 + h)), p.N1Mw[h], 9);
        }

        var firm = 120 - (60 * Scale(47)); // 120 − 60·1.25 = 45
        Assert.Equal(45, firm, 9);
        Assert.Equal(firm, p.FirmMw, 9);
        Assert.Equal(WelcomeZone.Firm, layer.Offer("S2", 40).Zone);
        var o = layer.Offer("S2", 50);
        Assert.Equal(WelcomeZone.Dynamic, o.Zone); // median N-1 ≥ 50
        Assert.Equal("Line B", o.LimitingLine);
        // Hours with N-1 ≥ 50: 120 − 60·s ≥ 50 ⇔ s ≤ 7/6, counted by brute force over the same scales.
        Assert.Equal(Enumerable.Range(0, 48).Count(t => 120 - (60 * Scale(t)) >= 50), o.HoursWithRoom);
        Assert.Equal(WelcomeZone.Curtailable, layer.Offer("S2", 100).Zone); // min N-0 = 200 − 75 = 125
        Assert.Equal(WelcomeZone.Constrained, layer.Offer("S2", 130).Zone);
    }

    [Fact]
    public void Nearest_FarAwayPoint_IsAClearError()
    {
        var layer = Layer(1);
        Assert.Equal("S2", layer.Nearest(new GeoPoint(35.7, 139.9), 50).Substation.Id);
        var e = Assert.Throws<ArgumentException>(() => layer.Nearest(new GeoPoint(26.2, 127.7), 50));
        Assert.Contains("within 50 km", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_HalfHourlyProfileOrUnknownBus_IsRefused()
    {
        var net = MatpowerCase.Parse(s_parallel, "parallel.m");
        var half = new GridProfile([s_start, s_start.AddMinutes(30)], [1.0, 1.0], [0.0, 0.0]);
        var node = new LayerNode(new Substation("S2", "x", null, 275, null), 2);
        Assert.Throws<ArgumentException>(() => ModelHeadroomLayer.Compute(net, [node], half, "m", true, "p"));
        var hourly = GridProfile.Snapshot(s_start);
        var e = Assert.Throws<ArgumentException>(() => ModelHeadroomLayer.Compute(net, [node with { BusNumber = 7 }], hourly, "m", true, "p"));
        Assert.Contains("bus 7", e.Message, StringComparison.Ordinal);
    }
}

public sealed class WelcomeZoneMapTests
{
    [Fact]
    public void Write_HandSolvedLayer_GivesTheZoneFirmHeadroomAndLimitingLineOfEachSubstation()
    {
        var start = new DateTimeOffset(2024, 4, 1, 0, 0, 0, Jst.Offset);
        var net = MatpowerCase.Parse(TestCases.Text(
            "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 345 1 1.1 0.9;",
            "1 60 0 300 -300 1 100 1 250 10;",
            "1 2 0 0.1 0 100 120 0 0 0 1;\n1 2 0 0.1 0 100 120 0 0 0 1;"), "parallel.m");
        // Scale 1 then 0.5: N-1 = 120 − 60·s → 60 and 90 MW; N-0 = 200 − 60·s → 140 and 170 MW.
        var profile = new GridProfile([start, start.AddHours(1)], [1.0, 0.5], [0.0, 0.0]);
        var nodes = new[]
        {
            new LayerNode(new Substation("S2", "二番", JapanAreas.Tokyo, 275, new GeoPoint(35.6, 139.9)), 2),
            new LayerNode(new Substation("S1", "一番", null, 275, null), 1),
        };
        var layer = ModelHeadroomLayer.Compute(net, nodes, profile, "parallel.m", synthetic: true, "two hours");
        using var stream = new MemoryStream();
        Assert.Equal(1, WelcomeZoneMap.Write(stream, layer, 70)); // S1 has no coordinates
        using var doc = System.Text.Json.JsonDocument.Parse(stream.ToArray());
        Assert.True(doc.RootElement.GetProperty("synthetic").GetBoolean());
        var f = doc.RootElement.GetProperty("features")[0];
        Assert.Equal(139.9, f.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble());
        var p = f.GetProperty("properties");
        Assert.Equal("S2", p.GetProperty("id").GetString());
        Assert.Equal("dynamic", p.GetProperty("zone").GetString()); // firm 60 < 70 ≤ median 75
        Assert.Equal(60, p.GetProperty("firm_mw").GetDouble(), 6);
        Assert.Equal(80, p.GetProperty("curtailable_extra_mw").GetDouble(), 6); // 140 − 60
        Assert.Equal(1, p.GetProperty("hours_with_room").GetInt32());
        Assert.Equal("branch 2 (1-2)", p.GetProperty("limiting_line").GetString());
        Assert.Equal("model", p.GetProperty("source").GetString());
    }
}

public sealed class JapanLayerTests
{
    [Fact]
    public void Compute_Backbone_HasOneSubstationPerBus_LimitedByOccto_NamedLines_AndScalesLoadToTheDemandItsBaseStandsFor()
    {
        var model = WattBit.Grid.Japan.JapanBackbone.LoadDefault();
        var start = new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset);
        // The base case stands for the calibration days' mean demand (japan-areas.csv), not for its net load ΣPd.
        var total = model.AreaBases.Sum(a => a.DemandMw);
        Assert.True(total > model.Network.Buses.Sum(b => b.Pd) + 20_000);
        var demand = new WattBit.Time.TimeSeries(start, TimeSpan.FromHours(1), [total, 0.8 * total], SeriesUnit.Megawatts, "demand");
        var profile = JapanLayer.Profile(model, demand);
        Assert.Equal([1.0, 0.8], profile.DemandScale.ToArray());
        Assert.Equal(model.Buses.Length, JapanLayer.Nodes(model).Count);
        // Four substations keep the test short (the whole backbone is the CLI's and the bench's).
        var ids = model.Buses.Take(4).Select(b => b.SubstationId).ToArray();
        var layer = JapanLayer.Compute(model, demand, "test", ids);
        Assert.Equal(4, layer.Substations.Count);
        Assert.Throws<UnknownSubstationException>(() => JapanLayer.Compute(model, demand, "test", ["XX:nowhere"]));
        Assert.True(layer.TryGetSubstation(model.Buses[0].SubstationId, out var s));
        Assert.Equal(model.Buses[0].Name, s.Name);
        var lines = model.Branches.Select(b => b.DisplayName).ToHashSet(StringComparer.Ordinal);
        var hours = layer.Substations.SelectMany(x => layer.AllHours(x.Id)).ToList();
        Assert.Equal(2 * 4, hours.Count);
        Assert.All(hours.Where(h => h.LimitingLine is not null), h => Assert.Contains(h.LimitingLine!, lines));
    }

    /// <summary>N-0 headroom by hand: the least (rating ∓ flow)/|β| over the active rated branches, β the flow per MW added at the bus.</summary>
    private static double HandN0At(WattBit.Grid.Headroom.HeadroomEngine engine, WattBit.Grid.PowerFlow.DcModel dc, double[] flows, int bus)
    {
        var net = dc.Network;
        var beta = engine.Sensitivity(bus);
        var h = double.PositiveInfinity;
        for (var l = 0; l < beta.Length; l++)
        {
            var rate = net.Branches[l].RateA;
            if (dc.IsActive(l) && rate > 0 && Math.Abs(beta[l]) > 1e-6)
            {
                h = Math.Min(h, Math.Max(0, beta[l] > 0 ? (rate - flows[l]) / beta[l] : (rate + flows[l]) / -beta[l]));
            }
        }

        return h;
    }

    [Fact]
    public void Compute_TokyoOnItsOwnDemand_TokyoHeadroomMovesWithIt_AsTheHandSolvedFlowsSay()
    {
        var model = WattBit.Grid.Japan.JapanBackbone.LoadDefault();
        var net = model.Network;
        var start = new DateTimeOffset(2025, 8, 4, 12, 0, 0, Jst.Offset);
        var tkBase = model.AreaBases.Single(a => a.Area.Code == "TK").DemandMw;
        var otherBase = model.AreaBases.Where(a => a.Area.Code != "TK").Sum(a => a.DemandMw);
        // Hour 0: every area at its base; hour 1: Tokyo 20 % up, the others 5 % down; hour 2: Tokyo 15 % down, the others up.
        double[] tk = [1.0, 1.2, 0.85];
        double[] rest = [1.0, 0.95, 1.05];
        var others = new WattBit.Time.TimeSeries(start, TimeSpan.FromHours(1), [.. rest.Select(r => r * otherBase)], SeriesUnit.Megawatts, "others");
        var tokyo = new WattBit.Time.TimeSeries(start, TimeSpan.FromHours(1), [.. tk.Select(r => r * tkBase)], SeriesUnit.Megawatts, "TK");
        var drive = JapanLayer.Drive(model, others, "TK", tokyo);
        Assert.Equal(["TK"], drive.RealAreas);

        // By hand: each load is Pd × its area's scale; the plants with output share the change of the demand at the others'
        // scale by their room Pmax − Pg (JapanLayer.Following), and Tokyo's departure from it is met by the plants of the
        // 50 Hz island (Tohoku, Tokyo) by their room; one DC power flow per hour; N-0 headroom = the least
        // (rating ∓ flow)/|β| over the branches, β the flow per MW added at the bus (balanced by the engine's slack).
        var dc = new WattBit.Grid.PowerFlow.DcModel(net);
        var engine = new WattBit.Grid.Headroom.HeadroomEngine(WattBit.Grid.PowerFlow.Sensitivities.Build(dc),
            new NetworkTimeSeries(dc, drive.Profile, drive.PerBusMw, JapanLayer.Following));
        var sumPd = net.Buses.Sum(b => b.Pd);
        var sumGs = net.Buses.Sum(b => b.Gs);
        var producing = net.Generators.Where(g => g.InService && g.Pg > 0).ToArray();
        var sumPg = producing.Sum(g => g.Pg);
        var sumRoom = producing.Sum(g => Math.Max(0, g.Pmax - g.Pg));
        bool In50Hz(WattBit.Grid.Network.Generator g) => model.Buses[g.BusIndex].Area.Code is "TH" or "TK";
        var sumRoom50 = producing.Where(In50Hz).Sum(g => Math.Max(0, g.Pmax - g.Pg));
        var tokyoPd = Enumerable.Range(0, net.Buses.Length).Where(i => model.Buses[i].Area.Code == "TK").Sum(i => net.Buses[i].Pd);
        var flows = new double[3][];
        for (var t = 0; t < 3; t++)
        {
            var p = new double[net.Buses.Length];
            for (var i = 0; i < p.Length; i++)
            {
                p[i] = -(net.Buses[i].Pd * (model.Buses[i].Area.Code == "TK" ? tk[t] : rest[t])) - net.Buses[i].Gs;
            }

            foreach (var g in net.Generators.Where(g => g.InService))
            {
                var room = Math.Max(0, g.Pmax - g.Pg);
                p[g.BusIndex] += g.Pg > 0
                    ? (g.Pg * (sumPd + sumGs) / sumPg) + (room / sumRoom * sumPd * (rest[t] - 1)) + (In50Hz(g) ? room / sumRoom50 * tokyoPd * (tk[t] - rest[t]) : 0)
                    : g.Pg;
            }

            flows[t] = new double[net.Branches.Length];
            dc.Solve(p, flows[t]);
        }

        double HandN0(int bus, int t) => HandN0At(engine, dc, flows[t], bus);

        // The Tokyo substation with the least room at the base hour (by hand), so no hour reaches the engine's cap.
        var bus = Enumerable.Range(0, model.Buses.Length).Where(b => model.Buses[b].Area.Code == "TK")
            .MinBy(b => HandN0(b, 0));
        var id = model.Buses[bus].SubstationId;
        var layer = JapanLayer.Compute(model, drive, "TK: actuals; others: reference", [id]);
        var hours = layer.Hourly(id, new TimeWindow(start, start.AddHours(3)));
        Assert.Equal(3, hours.Count);
        var n0 = new double[3];
        for (var t = 0; t < 3; t++)
        {
            n0[t] = HandN0(bus, t);
            Assert.True(n0[t] < 10_000, $"{id}: {n0[t]} MW");
            Assert.Equal(n0[t], hours[t].N0Mw, 6);
        }

        // More Tokyo demand, less room at a Tokyo substation; less, more.
        Assert.True(n0[1] < n0[0] - 1, $"{id}: {n0[1]} vs {n0[0]} MW");
        Assert.True(n0[2] > n0[0] + 1, $"{id}: {n0[2]} vs {n0[0]} MW");
        Assert.Contains("TK: actuals", layer.Info.Profile, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_TokyoAndChubuOnTheirOwnDemand_EachMovesWithItsOwn_AsTheHandSolvedFlowsSay()
    {
        var model = WattBit.Grid.Japan.JapanBackbone.LoadDefault();
        var net = model.Network;
        var start = new DateTimeOffset(2026, 1, 15, 12, 0, 0, Jst.Offset);
        double Base(string code) => model.AreaBases.Single(a => a.Area.Code == code).DemandMw;
        var otherBase = model.AreaBases.Where(a => a.Area.Code is not "TK" and not "CB").Sum(a => a.DemandMw);
        // Hour 0: every area at its base; hour 1: Tokyo 20 % up (Chubu at base); hour 2: Chubu 20 % up (Tokyo at base);
        // the others 0.95 / 1.05 / 1.0.
        double[] tk = [1.0, 1.2, 1.0];
        double[] cb = [1.0, 1.0, 1.2];
        double[] rest = [1.0, 0.95, 1.05];
        WattBit.Time.TimeSeries Series(double[] scale, double b, string name) =>
            new(start, TimeSpan.FromHours(1), [.. scale.Select(r => r * b)], SeriesUnit.Megawatts, name);
        var composed = JapanLayer.Compose(model, areas =>
            {
                Assert.DoesNotContain(areas, a => a.Code is "TK" or "CB");
                return Series(rest, otherBase, "others");
            }, "reference", [("TK", Series(tk, Base("TK"), "TK"), "TK: actuals"), ("CB", Series(cb, Base("CB"), "CB"), "CB: actuals")],
            [.. model.Buses.Where(b => b.Area.Code is "TK" or "CB" or "HKD").Select(b => b.SubstationId)]);
        Assert.Equal("CB: actuals; TK: actuals; other areas: reference", composed.Layer.Info.Profile);

        // By hand: each load is Pd × its area's scale; the plants with output share the change of the others' scale by their
        // room nationally; Tokyo's departure from it is met by the plants of the 50 Hz island (Tohoku, Tokyo), Chubu's by
        // those of the 60 Hz island, each by room. One DC power flow per hour for the whole network.
        var dc = new WattBit.Grid.PowerFlow.DcModel(net);
        var engine = new WattBit.Grid.Headroom.HeadroomEngine(WattBit.Grid.PowerFlow.Sensitivities.Build(dc),
            new NetworkTimeSeries(dc, composed.Drive.Profile, composed.Drive.PerBusMw, JapanLayer.Following));
        var sumPd = net.Buses.Sum(b => b.Pd);
        var sumGs = net.Buses.Sum(b => b.Gs);
        var producing = net.Generators.Where(g => g.InService && g.Pg > 0).ToArray();
        var sumPg = producing.Sum(g => g.Pg);
        var sumRoom = producing.Sum(g => Math.Max(0, g.Pmax - g.Pg));
        string AreaOf(WattBit.Grid.Network.Generator g) => model.Buses[g.BusIndex].Area.Code;
        bool In50Hz(WattBit.Grid.Network.Generator g) => AreaOf(g) is "TH" or "TK";
        bool In60Hz(WattBit.Grid.Network.Generator g) => AreaOf(g) is "CB" or "HR" or "KN" or "CG" or "SK" or "KY";
        var room50 = producing.Where(In50Hz).Sum(g => Math.Max(0, g.Pmax - g.Pg));
        var room60 = producing.Where(In60Hz).Sum(g => Math.Max(0, g.Pmax - g.Pg));
        double PdOf(string code) => Enumerable.Range(0, net.Buses.Length).Where(i => model.Buses[i].Area.Code == code).Sum(i => net.Buses[i].Pd);
        var (tokyoPd, chubuPd) = (PdOf("TK"), PdOf("CB"));
        var flows = new double[3][];
        for (var t = 0; t < 3; t++)
        {
            var p = new double[net.Buses.Length];
            for (var i = 0; i < p.Length; i++)
            {
                var scale = model.Buses[i].Area.Code switch { "TK" => tk[t], "CB" => cb[t], _ => rest[t] };
                p[i] = -(net.Buses[i].Pd * scale) - net.Buses[i].Gs;
            }

            foreach (var g in net.Generators.Where(g => g.InService))
            {
                var room = Math.Max(0, g.Pmax - g.Pg);
                p[g.BusIndex] += g.Pg > 0
                    ? (g.Pg * (sumPd + sumGs) / sumPg) + (room / sumRoom * sumPd * (rest[t] - 1))
                        + (In50Hz(g) ? room / room50 * tokyoPd * (tk[t] - rest[t]) : 0) + (In60Hz(g) ? room / room60 * chubuPd * (cb[t] - rest[t]) : 0)
                    : g.Pg;
            }

            flows[t] = new double[net.Branches.Length];
            dc.Solve(p, flows[t]);
        }

        double HandN0(int bus, int t) => HandN0At(engine, dc, flows[t], bus);

        double[] Check(string area)
        {
            // The area's substation with the least room at the base hour (by hand), so no hour reaches the engine's cap.
            var bus = Enumerable.Range(0, model.Buses.Length).Where(b => model.Buses[b].Area.Code == area).MinBy(b => HandN0(b, 0));
            var hours = composed.Layer.Hourly(model.Buses[bus].SubstationId, new TimeWindow(start, start.AddHours(3)));
            Assert.Equal(3, hours.Count);
            var n0 = new double[3];
            for (var t = 0; t < 3; t++)
            {
                n0[t] = HandN0(bus, t);
                Assert.True(n0[t] < 10_000, $"{area}: {n0[t]} MW");
                Assert.Equal(n0[t], hours[t].N0Mw, 6);
            }

            return n0;
        }

        var tokyo = Check("TK");
        var chubu = Check("CB");
        Assert.True(tokyo[1] < tokyo[0] - 1, $"Tokyo 20 % up: {tokyo[1]} vs {tokyo[0]} MW");
        Assert.True(chubu[2] < chubu[0] - 1, $"Chubu 20 % up: {chubu[2]} vs {chubu[0]} MW");
        Check("HKD");
    }

    [Fact]
    public void Drives_TwoRealAreasInOneIsland_AreRefusedNamingThem()
    {
        var model = WattBit.Grid.Japan.JapanBackbone.LoadDefault();
        var start = new DateTimeOffset(2026, 1, 15, 0, 0, 0, Jst.Offset);
        var one = new WattBit.Time.TimeSeries(start, TimeSpan.FromHours(1), [1000.0, 1000.0], SeriesUnit.Megawatts, "x");
        var ex = Assert.Throws<ArgumentException>(() => JapanLayer.Drives(model, one, new Dictionary<string, WattBit.Time.TimeSeries> { ["TK"] = one, ["TH"] = one }));
        Assert.Contains("TH and TK are in one AC island", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Drive_SeriesOfOtherHoursOrAnAreaWithoutBuses_IsRefused()
    {
        var model = WattBit.Grid.Japan.JapanBackbone.LoadDefault();
        var start = new DateTimeOffset(2025, 8, 4, 0, 0, 0, Jst.Offset);
        var a = new WattBit.Time.TimeSeries(start, TimeSpan.FromHours(1), [60_000, 61_000], SeriesUnit.Megawatts, "others");
        var b = new WattBit.Time.TimeSeries(start.AddHours(1), TimeSpan.FromHours(1), [30_000, 31_000], SeriesUnit.Megawatts, "TK");
        Assert.Contains("same hours", Assert.Throws<ArgumentException>(() => JapanLayer.Drive(model, a, "TK", b)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => JapanLayer.Drive(model, a, "XX", a));
    }
}
