using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>Day-ahead plans per DC operator: replanned after each change, announced as a live event, optimal by brute force on the planner's objective.</summary>
[Collection(ServerCollection.Name)]
public sealed class PlanTests(TestServer server)
{
    private static async Task<JsonElement> NextPlanAsync(LiveEventsTests.EventStream events, Func<JsonElement, bool> until)
    {
        while (true)
        {
            var (type, data) = await events.NextAsync();
            if (type == "plan" && until(data))
            {
                return data;
            }
        }
    }

    [Fact]
    public async Task SubmittedWorkload_IsPlannedAtTheSiteAndHourOfLeastEnergyAndCarbonCost_AndThePlanChangeIsStreamed()
    {
        var gamma = server.Client("dc-gamma");
        await using var events = await LiveEventsTests.EventStream.OpenAsync(server.Client("dc-gamma"));
        await (await gamma.PutJsonAsync("/api/sites/g-tk", new { area = "TK", itCapacityMw = 1.0 })).OkJsonAsync(201);
        await (await gamma.PutJsonAsync("/api/sites/g-ky", new { area = "KY", itCapacityMw = 1.0 })).OkJsonAsync(201);

        var release = new DateTimeOffset(2025, 11, 10, 12, 0, 0, Jst.Offset);
        var deadline = release.AddHours(8);
        await (await gamma.PostAsJsonAsync("/api/workloads", new
        {
            id = "g-w1", release, deadline, durationMinutes = 60, powerKw = 500, interruptible = false, sites = new[] { "g-tk", "g-ky" },
        })).OkJsonAsync(201);
        await NextPlanAsync(events, d => d.GetProperty("runs").GetInt32() == 1);

        var plan = await (await gamma.GetAsync("/api/plan")).OkJsonAsync();
        var run = Assert.Single(plan.GetProperty("runs").EnumerateArray());
        Assert.Equal("g-w1", run.GetProperty("workload").GetString());
        Assert.Equal("optimiser", plan.GetProperty("summary").GetProperty("method").GetString());

        // Brute force over both areas' published signals, hour by hour (the planner's step: the mean of two 30-min values):
        // 0.5 MW × PUE 1.3 = 0.65 MWh from the grid, costing 1,000 × price (JPY/kWh) + carbon (g/kWh = kg/MWh) / 1,000 ×
        // 10,000 JPY/t (the default carbon price) per MWh; the cheapest whole hour in [release, deadline) wins.
        const double GridMwh = 0.5 * 1.3;
        var best = (Site: "", Start: DateTimeOffset.MinValue, Cost: double.PositiveInfinity, Carbon: 0.0);
        var firstHourCarbon = double.NaN;
        foreach (var (site, area) in new[] { ("g-ky", "KY"), ("g-tk", "TK") })
        {
            var carbon = await HourlyAsync(area, "carbon", release, deadline);
            var price = await HourlyAsync(area, "price", release, deadline);
            firstHourCarbon = double.IsNaN(firstHourCarbon) ? carbon[0] : firstHourCarbon;
            for (var h = 0; h < carbon.Length; h++)
            {
                var cost = GridMwh * ((1000 * price[h]) + (carbon[h] / 1000 * 10_000));
                if (cost < best.Cost)
                {
                    best = (site, release.AddHours(h), cost, carbon[h]);
                }
            }
        }

        Assert.Equal(best.Site, run.GetProperty("site").GetString());
        Assert.Equal(best.Start, run.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(best.Start.AddHours(1), run.GetProperty("end").GetDateTimeOffset());
        var summary = plan.GetProperty("summary");
        Assert.Equal(best.Carbon * GridMwh, summary.GetProperty("emissionsKg").GetDouble(), 6);
        // The baseline: the workload at its release at the first of the operator's sites it may use, in id order (g-ky).
        Assert.Equal(firstHourCarbon * GridMwh, summary.GetProperty("baselineEmissionsKg").GetDouble(), 6);

        // Another operator's plan never shows it; cancelling replans without it.
        var other = await server.Client("dc-beta").PostAsync("/api/plan", null);
        Assert.DoesNotContain((await other.OkJsonAsync()).GetProperty("runs").EnumerateArray(), r => r.GetProperty("workload").GetString() == "g-w1");
        await gamma.DeleteAsync("/api/workloads/g-w1");
        await NextPlanAsync(events, d => d.GetProperty("runs").GetInt32() == 0);
        Assert.Empty((await (await gamma.GetAsync("/api/plan")).OkJsonAsync()).GetProperty("runs").EnumerateArray());
    }

    private async Task<double[]> HourlyAsync(string area, string metric, DateTimeOffset from, DateTimeOffset to)
    {
        var url = $"/api/areas/{area}/signals/{metric}?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
        var values = (await (await server.Client().GetAsync(url)).OkJsonAsync()).GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        return [.. Enumerable.Range(0, values.Length / 2).Select(h => (values[2 * h] + values[(2 * h) + 1]) / 2)];
    }

    [Fact]
    public async Task Plan_IsForDcOperatorsOnly()
    {
        await (await server.Client("viewer").GetAsync("/api/plan")).ProblemAsync(403);
        await (await server.Client("tso-tk").PostAsync("/api/plan", null)).ProblemAsync(403);
    }
}
