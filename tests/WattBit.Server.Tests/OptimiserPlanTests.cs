using System.Net.Http.Json;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>
/// Operators whose sites have grid connections are planned with the full model, which keeps every site within its limit;
/// the plan carries each site's hourly caps from its connection and the workloads keep their kind.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class OptimiserPlanTests(TestServer server)
{
    [Fact]
    public async Task Plan_WithGridConnections_UsesTheOptimiser_KeepsEachSiteWithinItsLimit_CapsEachSiteAtItsConnection_AndKeepsTheKind()
    {
        var alpha = server.Client("dc-alpha");

        // Two sites with room for the job; the first may draw only 1 MW from 05:00 to 09:00 (JST 14-18), the second anything.
        var profile = Enumerable.Repeat(50.0, 24).ToArray();
        for (var h = 14; h < 18; h++)
        {
            profile[h] = 1.0;
        }

        await (await alpha.PutJsonAsync("/api/sites/o-ky", new { area = "KY", itCapacityMw = 10.0, pue = 1.0, grid = new { kind = "provisionalProfile", profileMw = profile } }))
            .OkJsonAsync(201);
        await (await alpha.PutJsonAsync("/api/sites/o-tk", new { area = "TK", itCapacityMw = 10.0, pue = 1.0 })).OkJsonAsync(201);

        // A 3 MW, four-hour job due by 10:00, so at least three of its hours fall in the limited ones; either site is allowed.
        await (await alpha.PostAsJsonAsync("/api/workloads", new
        {
            id = "o-w1", release = "2025-11-10T05:00:00Z", deadline = "2025-11-10T10:00:00Z", durationMinutes = 240, powerKw = 3000, interruptible = false,
            sites = new[] { "o-ky", "o-tk" }, kind = "training",
        })).OkJsonAsync(201);
        Assert.Equal("training", (await (await alpha.GetAsync("/api/workloads/o-w1")).OkJsonAsync()).GetProperty("kind").GetString());
        var inference = await (await alpha.PostAsJsonAsync("/api/workloads", new
        {
            id = "o-w2", release = "2025-11-10T05:00:00Z", deadline = "2025-11-10T10:00:00Z", durationMinutes = 60, powerKw = 100, kind = "inference",
        })).ProblemAsync(400);
        Assert.True(inference.GetProperty("errors").TryGetProperty("kind", out _), inference.ToString());
        var plan = await (await alpha.PostAsync("/api/plan", null)).OkJsonAsync();
        Assert.Equal("optimiser", plan.GetProperty("summary").GetProperty("method").GetString());
        // The caps: the typed profile by JST hour at the connected site, IT capacity × PUE (10 MW) at the other, every hour of the horizon.
        var caps = plan.GetProperty("caps").EnumerateArray().ToDictionary(c => c.GetProperty("site").GetString()!);
        var horizonStart = plan.GetProperty("horizonStart").GetDateTimeOffset();
        var horizonEnd = plan.GetProperty("horizonEnd").GetDateTimeOffset();
        foreach (var (site, expected) in new[] { ("o-ky", (Func<DateTimeOffset, double>)(t => profile[t.ToOffset(Jst.Offset).Hour])), ("o-tk", _ => 10.0) })
        {
            var start = caps[site].GetProperty("start").GetDateTimeOffset();
            var hourly = caps[site].GetProperty("hourlyMw").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.True(start <= horizonStart && start.AddHours(hourly.Length) >= horizonEnd, $"{site}: caps {start} + {hourly.Length} h, horizon {horizonStart}-{horizonEnd}");
            Assert.All(Enumerable.Range(0, hourly.Length), h => Assert.Equal(expected(start.AddHours(h)), hourly[h], 9));
        }

        var runs = plan.GetProperty("runs").EnumerateArray().Where(r => r.GetProperty("workload").GetString() == "o-w1").ToList();
        Assert.True(runs.Count > 0, plan.ToString());
        Assert.All(runs, r => Assert.Equal("o-tk", r.GetProperty("site").GetString()));
        Assert.Equal(240, runs.Sum(r => (r.GetProperty("end").GetDateTimeOffset() - r.GetProperty("start").GetDateTimeOffset()).TotalMinutes), 9);

        // And the limited site's planned draw never exceeds its limit.
        var power = await (await alpha.GetAsync("/api/sites/o-ky/power?from=2025-11-10T03:00:00Z&to=2025-11-11T03:00:00Z")).OkJsonAsync();
        var planned = power.GetProperty("plannedMw").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var limit = power.GetProperty("limitMw").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal([50.0, 50, 50, 50, 1, 1, 1, 1, 1, 1, 1, 1, 50], limit[..13]);
        Assert.All(Enumerable.Range(0, planned.Length), i => Assert.True(planned[i] <= limit[i] + 1e-9, $"step {i}: {planned[i]} > {limit[i]}"));
    }
}
