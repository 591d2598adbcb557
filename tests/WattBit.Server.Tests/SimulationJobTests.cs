using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Data.Reference;
using WattBit.Forecasting;
using WattBit.Grid.Japan;
using WattBit.Grid.Layer;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Reporting;
using WattBit.Simulation.Scenarios;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>A server whose scenario folder holds a tiny scenario and a broken one, and with a second planner key.</summary>
public sealed class SimulationServer : IAsyncLifetime
{
    public const string OtherPlannerKey = "key-planner-2-0123456789";

    private readonly string _scenarios = Directory.CreateTempSubdirectory("wattbit-scenarios-").FullName;

    public TestServer Server { get; private set; } = null!;

    /// <summary>A whole year of 200 sites, 200,000 jobs and five policies: still running long after it is started.</summary>
    internal const string YearScenario = """
        name: year
        data:
          synthetic: 2025
        step: 30min
        seed: 5
        sites:
          - generate: distributed
            count: 200
            it_mw: [0.5, 1.9]
            connections: {firm: 0.4, provisional: 0.3, flexible: 0.3}
        workload:
          target_mw: 150
          jobs: 200000
        policies: [baseline, time-shift, greenest-site, capacity-caps, wattbit]
        """;

    /// <summary>Two days of three sites, two policies: 48 hourly steps per policy.</summary>
    internal const string TinyScenario = """
        name: tiny
        data:
          synthetic: 2025
        period:
          start: 2025-05-01
          end: 2025-05-03
        step: 1h
        seed: 5
        sites:
          - generate: distributed
            count: 3
            it_mw: [0.5, 1.9]
            connections: {firm: 0.4, provisional: 0.3, flexible: 0.3}
        workload:
          target_mw: 2
          jobs: 40
        policies: [baseline, wattbit]
        """;

    /// <summary>Two days of three sites (near the CLI grid test's substations) on the headroom layer and the ties.</summary>
    internal const string GridScenario = """
        name: grid
        period: {start: 2025-07-14, end: 2025-07-16}
        seed: 11
        grid: {limits: layer, ties: japan}
        sites:
          - id: ky
            area: KY
            lat: 33.60
            lon: 130.40
            it_mw: 1.2
            connection: {kind: flexible, mw: 1.6}
          - id: kn
            area: KN
            lat: 34.70
            lon: 135.50
            it_mw: 1.8
            connection: {kind: firm, mw: 2.2}
          - id: tk
            area: TK
            lat: 35.85
            lon: 139.60
            it_mw: 1.5
            connection: {kind: provisional, mw: 2}
        workload: {target_mw: 2, jobs: 50}
        policies: [baseline, wattbit]
        """;

    /// <summary>Two Kanto clusters behind the same lines over three years, judged on one week (decision 0210).</summary>
    internal const string RoadmapScenario = """
        name: small roadmap
        roadmap: {from: 2025, to: 2027, weeks: [2025-08-04], max_km: 60, grid_loads: clusters}
        clusters:
          - {id: inzai, area: TK, lat: 35.83, lon: 140.15, mw: {2025: 500, 2027: 6000}}
          - {id: keihanna, area: KN, lat: 34.76, lon: 135.77, mw: {2025: 200, 2027: 400}}
        """;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_scenarios, "grid.yaml"), GridScenario);
        await File.WriteAllTextAsync(Path.Combine(_scenarios, "roadmap.yaml"), RoadmapScenario);
        await File.WriteAllTextAsync(Path.Combine(_scenarios, "tiny.yaml"), TinyScenario);
        await File.WriteAllTextAsync(Path.Combine(_scenarios, "broken.yaml"), "name: broken\nstep: 7 parsecs\n");

        // A whole year of 200 sites, 200,000 jobs and five policies (about 20 s of work on a quiet 2-core machine,
        // against milliseconds between the test's calls): it is still running when the test cancels it.
        await File.WriteAllTextAsync(Path.Combine(_scenarios, "year.yaml"), YearScenario);
        Server = new TestServer(new Dictionary<string, string>
        {
            ["WattBit:SimulationScenarios"] = _scenarios,
            ["WattBit:ApiKeys:7:Id"] = "planner-2",
            ["WattBit:ApiKeys:7:Sha256"] = Security.ApiKeyTable.Hash(OtherPlannerKey),
            ["WattBit:ApiKeys:7:Role"] = "planner",
        });
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_scenarios, recursive: true);
    }
}

/// <summary>Simulations as background jobs for planners: progress in steps, events to the starting key, the HTML report and its CSVs.</summary>
public sealed class SimulationJobTests(SimulationServer fixture) : IClassFixture<SimulationServer>
{
    private TestServer Server => fixture.Server;

    private static async Task<JsonElement> UntilFinishedAsync(LiveEventsTests.EventStream events, string id, List<JsonElement> seen)
    {
        while (true)
        {
            var (type, data) = await events.NextAsync();
            if (type != "simulation-job" || data.GetProperty("id").GetString() != id)
            {
                continue;
            }

            seen.Add(data);
            if (data.GetProperty("state").GetString() != "running")
            {
                return data;
            }
        }
    }

    [Fact]
    public async Task Simulation_RunsInTheBackground_WithStepProgressStreamedToItsKey_ThenServesTheReportAndItsCsvs()
    {
        var planner = Server.Client("planner");
        Assert.Equal(["broken", "grid", "roadmap", "tiny", "year"], (await (await planner.GetAsync("/api/simulation/scenarios")).OkJsonAsync()).EnumerateArray().Select(e => e.GetString()));

        await using var events = await LiveEventsTests.EventStream.OpenAsync(Server.Client("planner"));
        var started = await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "tiny", seed = 9 })).OkJsonAsync(202);
        var id = started.GetProperty("id").GetString()!;
        Assert.StartsWith("sim-", id, StringComparison.Ordinal);
        Assert.Equal(9, started.GetProperty("seed").GetInt32());

        var seen = new List<JsonElement>();
        var last = await UntilFinishedAsync(events, id, seen);
        Assert.Equal("done", last.GetProperty("state").GetString());
        Assert.Equal(96, last.GetProperty("stepsTotal").GetInt64());
        Assert.Equal(96, last.GetProperty("stepsDone").GetInt64());
        var steps = seen.Select(e => e.GetProperty("stepsDone").GetInt64()).ToList();
        Assert.Equal(steps.Order(), steps);
        Assert.Contains(seen, e => e.GetProperty("stage").GetString()!.StartsWith("simulating 3 sites", StringComparison.Ordinal));
        Assert.Contains(steps, s => s is > 0 and < 96);

        var status = await (await planner.GetAsync($"/api/simulations/{id}")).OkJsonAsync();
        Assert.Equal(["baseline", "wattbit"], status.GetProperty("summary").EnumerateArray().Select(r => r.GetProperty("policy").GetString()));
        Assert.All(status.GetProperty("summary").EnumerateArray(), r => Assert.True(r.GetProperty("energyMwh").GetDouble() > 0));
        Assert.Contains("summary.csv", status.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Single((await (await planner.GetAsync("/api/simulations")).OkJsonAsync()).EnumerateArray(), j => j.GetProperty("id").GetString() == id);

        var html = await planner.GetAsync($"/api/simulations/{id}/report");
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", html.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var csv = await planner.GetAsync($"/api/simulations/{id}/report/summary.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("baseline", lines[1], StringComparison.Ordinal);

        foreach (var file in (string[])["nope.csv", "report.html", "..%2Fsummary.csv", "summary.csv.bak"])
        {
            await (await planner.GetAsync($"/api/simulations/{id}/report/{file}")).ProblemAsync(404);
        }

        // Another planner sees nothing there; other roles may not run simulations.
        var other = Server.Client();
        other.DefaultRequestHeaders.Add("X-Api-Key", SimulationServer.OtherPlannerKey);
        await (await other.GetAsync($"/api/simulations/{id}")).ProblemAsync(404);
        await (await other.GetAsync($"/api/simulations/{id}/report")).ProblemAsync(404);
        Assert.Equal(0, (await (await other.GetAsync("/api/simulations")).OkJsonAsync()).GetArrayLength());
        foreach (var key in (string[])["viewer", "dc-alpha", "tso-tk"])
        {
            await (await Server.Client(key).GetAsync("/api/simulation/scenarios")).ProblemAsync(403);
            await (await Server.Client(key).PostAsJsonAsync("/api/simulations", new { scenario = "tiny" })).ProblemAsync(403);
            await (await Server.Client(key).GetAsync($"/api/simulations/{id}")).ProblemAsync(403);
        }
    }

    [Fact]
    public async Task Simulation_WithAGridSection_RunsOnTheLayerAndTies_AndGivesTheSummaryOfTheComposerWithWhatTheCliOffers()
    {
        var planner = Server.Client("planner");
        await using var events = await LiveEventsTests.EventStream.OpenAsync(Server.Client("planner"));
        var id = (await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "grid" })).OkJsonAsync(202)).GetProperty("id").GetString()!;
        var last = await UntilFinishedAsync(events, id, []);
        Assert.True(last.GetProperty("state").GetString() == "done", last.ToString());
        var status = await (await planner.GetAsync($"/api/simulations/{id}")).OkJsonAsync();
        var files = status.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("binding_lines.csv", files);
        Assert.Contains("ties.csv", files);

        // What `wattbit simulate` offers the one composer (SimulateCommands.Host): the reference year's signals, the Japan
        // backbone's layer over the period as `wattbit grid layer` composes it (decision 0126; the test server runs with
        // RealAreas=false, so every area on the year's reference demand, as the CLI without ../shared), OCCTO's ties, the
        // forecasting engine.
        var scenario = ScenarioFile.Parse(SimulationServer.GridScenario, "grid.yaml");
        var model = JapanBackbone.LoadDefault();
        var cli = new SimulationHost
        {
            Signals = SignalYears.Compose,
            Substations = [.. JapanLayer.Nodes(model).Select(n => n.Substation)],
            LayerModel = JapanLayer.ModelName,
            Layer = r => WattBit.Composition.BackboneLayers.Compose(r.FiscalYear, r.Seed, TimeWindow.FromDuration(r.From, TimeSpan.FromDays(r.Days)), [.. r.SubstationIds], null).Layer,
            Ties = JapanTies.AreaTies(),
            Forecaster = new SignalForecaster(),
        };
        var expected = SimulationReport.Summary(SimulationComposer.Run(scenario, cli, Server.Time));
        var rows = status.GetProperty("summary").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.Policy), rows.Select(r => r.GetProperty("policy").GetString()));
        for (var i = 0; i < rows.Count; i++)
        {
            var (e, r) = (expected[i], rows[i]);
            Assert.Equal(e.EnergyMwh, r.GetProperty("energyMwh").GetDouble(), 9);
            Assert.Equal(e.CostMillionYen, r.GetProperty("costMillionYen").GetDouble(), 9);
            Assert.Equal(e.LifecycleTonnes, r.GetProperty("lifecycleTonnes").GetDouble(), 9);
            Assert.Equal(e.HoursOverLimit, r.GetProperty("hoursOverLimit").GetDouble(), 9);
            Assert.Equal(e.LateJobs, r.GetProperty("lateJobs").GetInt32());
            Assert.Equal(e.UnservedMwh, r.GetProperty("unservedMwh").GetDouble(), 9);
        }

        // The wattbit policy keeps every site within the layer's limits.
        Assert.Equal(0, rows.Single(r => r.GetProperty("policy").GetString() == "wattbit").GetProperty("hoursOverLimit").GetDouble());
    }

    [Fact]
    public async Task Roadmap_RunsAsAJob_WithYearsAsProgress_AndServesItsRunOutTableAsJsonAndCsv_AndItsPlot()
    {
        var planner = Server.Client("planner");
        await using var events = await LiveEventsTests.EventStream.OpenAsync(Server.Client("planner"));
        var id = (await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "roadmap" })).OkJsonAsync(202)).GetProperty("id").GetString()!;
        var seen = new List<JsonElement>();
        var last = await UntilFinishedAsync(events, id, seen);
        Assert.True(last.GetProperty("state").GetString() == "done", last.ToString());
        Assert.Equal(3, last.GetProperty("stepsTotal").GetInt64()); // one grid per year, 2025-2027
        Assert.Equal(["roadmap"], (await (await planner.GetAsync("/api/simulation/scenarios?kind=roadmap")).OkJsonAsync()).EnumerateArray().Select(e => e.GetString()));
        await (await planner.GetAsync("/api/simulation/scenarios?kind=nope")).ProblemAsync(400);
        Assert.Contains(seen, e => e.GetProperty("stage").GetString()!.StartsWith("roadmap: 2 clusters", StringComparison.Ordinal));

        // The oracle: each cluster's first year short, recomputed from the per-year table (roadmap.csv: short_mwh > 0).
        var perYear = (await planner.GetStringAsync($"/api/simulations/{id}/report/roadmap.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = perYear[0].Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        var firstShort = perYear.Skip(1).Select(l => l.Split(','))
            .GroupBy(c => c[Col("cluster")])
            .ToDictionary(g => g.Key, g => g.Where(c => double.Parse(c[Col("short_mwh")], System.Globalization.CultureInfo.InvariantCulture) > 1e-3)
                .Select(c => (int?)int.Parse(c[Col("year")], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault());
        var rows = (await (await planner.GetAsync($"/api/simulations/{id}/run-out")).OkJsonAsync()).EnumerateArray().ToList();
        Assert.Equal(["inzai", "keihanna"], rows.Select(r => r.GetProperty("cluster").GetString()));
        Assert.Equal(["東京", "関西"], rows.Select(r => r.GetProperty("areaNameJa").GetString()));
        var csv = (await planner.GetStringAsync($"/api/simulations/{id}/report/run_out.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var year = r.GetProperty("runsOut");
            Assert.Equal(firstShort[r.GetProperty("cluster").GetString()!], year.ValueKind == JsonValueKind.Null ? null : year.GetInt32());
            var c = csv[i + 1].Split(',');
            Assert.Equal(c[3], year.ValueKind == JsonValueKind.Null ? "" : year.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(double.Parse(c[8], System.Globalization.CultureInfo.InvariantCulture), r.GetProperty("reinforcementMw").GetDouble(), 1);
            // The binding line's uprate (decision 0226), as run_out.csv has it.
            var uprate = r.GetProperty("lineUprateMw");
            Assert.Equal(c[11], uprate.ValueKind == JsonValueKind.Null ? "" : uprate.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(c[13], r.GetProperty("uprateLine").GetString() ?? "");
        }

        Assert.NotNull(firstShort["inzai"]); // 6 GW at one substation cannot fit by 2027
        var status = await (await planner.GetAsync($"/api/simulations/{id}")).OkJsonAsync();
        Assert.Equal(2, status.GetProperty("runOut").GetArrayLength());
        var plot = await planner.GetAsync($"/api/simulations/{id}/report/run_out.svg");
        Assert.Equal("image/svg+xml", plot.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await plot.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var html = await (await planner.GetAsync($"/api/simulations/{id}/report")).Content.ReadAsStringAsync();
        Assert.Contains("Where and when the grid runs out first", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOut_OfASimulationThatIsNotARoadmap_IsNotFound()
    {
        var planner = Server.Client("planner");
        await using var events = await LiveEventsTests.EventStream.OpenAsync(Server.Client("planner"));
        var id = (await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "tiny" })).OkJsonAsync(202)).GetProperty("id").GetString()!;
        Assert.Equal("done", (await UntilFinishedAsync(events, id, [])).GetProperty("state").GetString());
        await (await planner.GetAsync($"/api/simulations/{id}/run-out")).ProblemAsync(404);
        await (await planner.GetAsync("/api/simulations/sim-nope/run-out")).ProblemAsync(404);
    }

    [Fact]
    public async Task Simulation_OfABrokenScenario_FailsNamingTheFile_AndHasNoReport()
    {
        var planner = Server.Client("planner");
        await using var events = await LiveEventsTests.EventStream.OpenAsync(Server.Client("planner"));
        var id = (await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "broken" })).OkJsonAsync(202)).GetProperty("id").GetString()!;
        var last = await UntilFinishedAsync(events, id, []);
        Assert.Equal("failed", last.GetProperty("state").GetString());
        Assert.Contains("broken.yaml", last.GetProperty("error").GetString(), StringComparison.Ordinal);
        var problem = await (await planner.GetAsync($"/api/simulations/{id}/report")).ProblemAsync(409);
        Assert.Contains("failed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulations_AtMostTwoRunPerKey_AndARunningOneCanBeCancelled()
    {
        var planner = Server.Client("planner");
        await using var events = await LiveEventsTests.EventStream.OpenAsync(Server.Client("planner"));
        var first = (await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "year" })).OkJsonAsync(202)).GetProperty("id").GetString()!;
        var second = (await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "year", seed = 6 })).OkJsonAsync(202)).GetProperty("id").GetString()!;
        var third = await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "tiny" })).ProblemAsync(409);
        Assert.Contains("At most 2", third.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Another planner's cancel finds nothing; the owner's stops the job.
        var other = Server.Client();
        other.DefaultRequestHeaders.Add("X-Api-Key", SimulationServer.OtherPlannerKey);
        await (await other.DeleteAsync($"/api/simulations/{first}")).ProblemAsync(404);
        await (await Server.Client("viewer").DeleteAsync($"/api/simulations/{first}")).ProblemAsync(403);
        foreach (var id in (string[])[first, second])
        {
            var cancelled = await (await planner.DeleteAsync($"/api/simulations/{id}")).OkJsonAsync();
            Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
            var last = await UntilFinishedAsync(events, id, []);
            Assert.Equal("cancelled", last.GetProperty("state").GetString());
            Assert.Equal("Cancelled by its owner.", last.GetProperty("error").GetString());
        }

        await (await planner.DeleteAsync($"/api/simulations/{first}")).ProblemAsync(409);
        await (await planner.GetAsync($"/api/simulations/{first}/report")).ProblemAsync(409);
        var again = (await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "tiny" })).OkJsonAsync(202)).GetProperty("id").GetString()!;
        Assert.Equal("done", (await UntilFinishedAsync(events, again, [])).GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("{\"scenario\":\"../tiny\"}", 404)]
    [InlineData("{\"scenario\":\"nope\"}", 404)]
    [InlineData("{\"scenario\":\"/etc/passwd\"}", 404)]
    [InlineData("{\"scenario\":\"tiny\",\"seed\":-1}", 400)]
    [InlineData("{\"scenario\":\"tiny\",\"seed\":\"1\"}", 400)]
    [InlineData("{\"seed\":1}", 400)]
    [InlineData("{\"scenario\":\"tiny\",\"path\":\"x\"}", 400)]
    public async Task Simulation_BadRequests_AreProblems_AndStartNothing(string body, int status)
    {
        var planner = Server.Client("planner");
        var before = (await (await planner.GetAsync("/api/simulations")).OkJsonAsync()).GetArrayLength();
        await (await planner.PostRawAsync("/api/simulations", body)).ProblemAsync(status);
        Assert.Equal(before, (await (await planner.GetAsync("/api/simulations")).OkJsonAsync()).GetArrayLength());
    }
}
