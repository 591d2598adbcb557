using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>
/// The market with the headroom layer on (<c>WattBit:Market:Headroom=layer</c>, decision 0132): an area-hour's matched MW
/// never exceeds the secure headroom of the area's substations in that hour, read back from the layer's own route.
/// </summary>
public sealed class MarketHeadroomLayerTests : IAsyncLifetime
{
    private readonly MarketServer _market = new(new() { ["WattBit:Market:Headroom"] = "layer" });

    public Task InitializeAsync() => _market.InitializeAsync();

    public Task DisposeAsync() => _market.DisposeAsync();

    /// <summary>The secure (N-1, else N-0) MW of one substation per hour start, from GET /api/grid/substations/{id}/headroom.</summary>
    private async Task<Dictionary<DateTimeOffset, double>> SecureAsync(string id)
    {
        var json = await (await _market.Server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString(id)}/headroom")).OkJsonAsync();
        var result = new Dictionary<DateTimeOffset, double>();
        foreach (var h in json.GetProperty("hours").EnumerateArray())
        {
            var n1 = h.GetProperty("n1Mw");
            var n0 = h.GetProperty("n0Mw");
            var v = n1.ValueKind == JsonValueKind.Number ? n1.GetDouble() : n0.ValueKind == JsonValueKind.Number ? n0.GetDouble() : double.NaN;
            if (double.IsFinite(v))
            {
                result[h.GetProperty("start").GetDateTimeOffset().ToUniversalTime()] = Math.Max(0, v);
            }
        }

        return result;
    }

    [Fact]
    public async Task IntradayClearing_WithTheLayer_MatchesAtMostTheAreasSecureHeadroomInEachHour()
    {
        var today14 = new DateTimeOffset(2025, 11, 10, 14, 0, 0, Jst.Offset);
        var alpha = _market.Client("dc-alpha");
        (await alpha.PutJsonAsync("/api/sites/big", new { area = "TK", itCapacityMw = 10_000.0, pue = 1.0 })).EnsureSuccessStatusCode();
        await (await alpha.PostAsJsonAsync("/api/market/offers", new[]
        {
            new { id = "lo", site = "big", start = today14, end = today14.AddHours(3), mw = 10_000.0, askYenPerMwh = 100.0 },
        })).OkJsonAsync(201);
        await (await _market.Client("dc-beta").PostAsJsonAsync("/api/market/bids", new[]
        {
            new { id = "lb", mw = 10_000.0, hours = 3, release = today14, deadline = today14.AddHours(3), valueYenPerMwh = 500.0, divisible = true },
        })).OkJsonAsync(201);

        // The TK substations of the test server's layer: 上尾 and 上野 (函館 is HKD).
        var a = await SecureAsync("TK:上尾");
        var b = await SecureAsync("TK:上野");
        var clearing = await (await _market.MarketOperator().PostAsJsonAsync("/api/market/clearings", new { kind = "intraday" })).OkJsonAsync(201);
        Assert.StartsWith("headroom layer", clearing.GetProperty("headroom").GetString(), StringComparison.Ordinal);
        var volumes = clearing.GetProperty("volumes").EnumerateArray().ToDictionary(v => v.GetProperty("hour").GetDateTimeOffset().ToUniversalTime(), v => v.GetProperty("mw").GetDouble());
        for (var h = 0; h < 3; h++)
        {
            var hour = today14.AddHours(h).ToUniversalTime();
            var limit = a.GetValueOrDefault(hour) + b.GetValueOrDefault(hour);
            Assert.True(a.ContainsKey(hour) || b.ContainsKey(hour), $"the layer has no TK value at {hour:O}");
            Assert.True(limit < 10_000, "the layer must bind for the test to mean something");

            // Divisible, value above ask, nothing else in TK: the whole secure headroom is matched, not more.
            Assert.Equal(limit, volumes.GetValueOrDefault(hour), 1e-4);
        }
    }
}
