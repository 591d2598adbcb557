using WattBit.Headroom;
using WattBit.Server.Grid;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>The welcome zones answered from a cache that lives as long as the layer (issue 15; decision 0122).</summary>
[Collection(ServerCollection.Name)]
public sealed class WelcomeZoneCacheTests(TestServer server)
{
    private static readonly DateTimeOffset Start = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    [Fact]
    public async Task WelcomeZones_RepeatedAreIdentical_AndAfterAnUploadAreReclassifiedFromTheNewHours()
    {
        var client = server.Client();
        var list = await (await client.GetAsync("/api/grid/substations")).OkJsonAsync();
        var from = list.GetProperty("from").GetDateTimeOffset();
        var to = list.GetProperty("to").GetDateTimeOffset();
        const string Url = "/api/grid/welcome-zones?mw=50";
        var first = await (await client.GetAsync(Url)).Content.ReadAsStringAsync();
        var second = await (await client.GetAsync(Url)).Content.ReadAsStringAsync();
        Assert.Equal(first, second);

        // The grid operator publishes 7.5 MW for every hour of 上尾: the layer changes, so must the answer.
        var hours = (int)(to - from).TotalHours;
        await (await server.Client("tso-tk").PutJsonAsync($"/api/areas/TK/nodes/{TestServer.UploadNodeOf("TK:上尾")}/headroom",
            new { start = from, stepMinutes = 60, values = Enumerable.Repeat(7.5, hours).ToArray() })).OkJsonAsync();
        var after = await (await client.GetAsync(Url)).Content.ReadAsStringAsync();
        Assert.NotEqual(first, after);

        // Oracle: the class recomputed by hand (docs/headroom-layer.md's rule) from the route's hours of 上尾, not the cache.
        var route = (await (await client.GetAsync($"/api/grid/substations/{Uri.EscapeDataString("TK:上尾")}/headroom")).OkJsonAsync())
            .GetProperty("hours").EnumerateArray().ToList();
        var n0 = route.Select(h => h.GetProperty("n0Mw").GetDouble()).ToArray();
        var n1 = route.Select(h => h.GetProperty("n1Mw").GetDouble()).Order().ToArray();
        Assert.All(n1, v => Assert.Equal(7.5, v));
        var median = n1.Length % 2 == 1 ? n1[n1.Length / 2] : 0.5 * (n1[(n1.Length / 2) - 1] + n1[n1.Length / 2]);
        var expected = n1[0] >= 50 ? "firm" : median >= 50 ? "dynamic" : n0.Min() >= 50 ? "curtailable" : "constrained";
        var ageo = System.Text.Json.JsonDocument.Parse(after).RootElement.GetProperty("features").EnumerateArray()
            .Single(f => f.GetProperty("properties").GetProperty("id").GetString() == "TK:上尾").GetProperty("properties");
        Assert.Equal(expected, ageo.GetProperty("zone").GetString());
        Assert.Equal(n1[0], ageo.GetProperty("firm_mw").GetDouble(), 6);
        Assert.Equal(n1.Count(v => v >= 50), ageo.GetProperty("hours_with_room").GetInt32());
        Assert.Equal(after, await (await client.GetAsync(Url)).Content.ReadAsStringAsync());
    }

    [Fact]
    public void Cache_KeepsAtMostItsCapacity_DroppingTheLeastRecentlyUsed()
    {
        var cache = new WelcomeZoneCache(2);
        var layer = Layer();
        var computed = 0;
        byte[] Ask(double mw) => cache.GetOrAdd(layer, mw, new TimeWindow(Start, Start.AddDays(1)), () => [(byte)++computed]);
        Assert.Equal([1], Ask(10));
        Assert.Equal([2], Ask(20));
        Assert.Equal([1], Ask(10)); // kept: 10 is now the most recent, 20 the least
        Assert.Equal([3], Ask(30)); // evicts 20
        Assert.Equal(2, cache.Count);
        Assert.Equal([1], Ask(10));
        Assert.Equal([4], Ask(20)); // recomputed
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Cache_AskedWithAnotherLayer_ForgetsEveryAnswerOfTheOldOne()
    {
        var cache = new WelcomeZoneCache(8);
        var window = new TimeWindow(Start, Start.AddDays(1));
        var other = new TimeWindow(Start.AddHours(1), Start.AddDays(1));
        var (a, b) = (Layer(), Layer());
        Assert.Equal([1], cache.GetOrAdd(a, 50, window, () => [1]));
        Assert.Equal([1], cache.GetOrAdd(a, 50, window, () => [9]));
        Assert.Equal([2], cache.GetOrAdd(a, 50, other, () => [2])); // the window is part of the key
        Assert.Equal([3], cache.GetOrAdd(b, 50, window, () => [3]));
        Assert.Equal(1, cache.Count);
        Assert.Equal([4], cache.GetOrAdd(a, 50, window, () => [4])); // never an answer of another layer
    }

    private static HeadroomTable Layer() =>
        new(new HeadroomLayerInfo("hand-made", true, "test", Start, 24), []);
}
