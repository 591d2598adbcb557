using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>Day-ahead plans per DC operator: replanned after each change, announced as a live event, optimal by brute force.</summary>
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
    public async Task SubmittedWorkload_IsPlannedAtTheLowestCarbonSiteAndTime_AndThePlanChangeIsStreamed()
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

        // Brute force over both areas' published signal: the best one-hour window in [release, deadline).
        var best = (Site: "", Start: DateTimeOffset.MinValue, Average: double.PositiveInfinity);
        foreach (var (site, area) in new[] { ("g-tk", "TK"), ("g-ky", "KY") })
        {
            var url = $"/api/areas/{area}/signals/carbon?from={Uri.EscapeDataString(release.ToString("O"))}&to={Uri.EscapeDataString(deadline.ToString("O"))}";
            var values = (await (await server.Client().GetAsync(url)).OkJsonAsync()).GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (var i = 0; i + 1 < values.Length; i++)
            {
                var average = (values[i] + values[i + 1]) / 2;
                if (average < best.Average)
                {
                    best = (site, release.AddMinutes(30 * i), average);
                }
            }
        }

        Assert.Equal(best.Site, run.GetProperty("site").GetString());
        Assert.Equal(best.Start, run.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(best.Start.AddHours(1), run.GetProperty("end").GetDateTimeOffset());
        var summary = plan.GetProperty("summary");
        Assert.True(summary.GetProperty("emissionsKg").GetDouble() <= summary.GetProperty("baselineEmissionsKg").GetDouble());
        Assert.Equal(best.Average * 500 / 1000, summary.GetProperty("emissionsKg").GetDouble(), 6);

        // Another operator's plan never shows it; cancelling replans without it.
        var other = await server.Client("dc-beta").PostAsync("/api/plan", null);
        Assert.DoesNotContain((await other.OkJsonAsync()).GetProperty("runs").EnumerateArray(), r => r.GetProperty("workload").GetString() == "g-w1");
        await gamma.DeleteAsync("/api/workloads/g-w1");
        await NextPlanAsync(events, d => d.GetProperty("runs").GetInt32() == 0);
        Assert.Empty((await (await gamma.GetAsync("/api/plan")).OkJsonAsync()).GetProperty("runs").EnumerateArray());
    }

    [Fact]
    public async Task Plan_IsForDcOperatorsOnly()
    {
        await (await server.Client("viewer").GetAsync("/api/plan")).ProblemAsync(403);
        await (await server.Client("tso-tk").PostAsync("/api/plan", null)).ProblemAsync(403);
    }
}
