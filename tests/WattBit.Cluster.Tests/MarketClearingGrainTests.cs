using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WattBit.Cluster.Market;

namespace WattBit.Cluster.Tests;

/// <summary>The market clearing grain on the embedded cluster: a clearing solves once, repeats get the stored outcome, nothing is half-stored.</summary>
public sealed class MarketClearingGrainTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2030, 5, 1, 1, 0, 0, TimeSpan.Zero);
    private IHost? _host;

    private IGrainFactory Grains => _host!.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync() => _host = await EmbeddedHost.StartAsync();

    public Task DisposeAsync() => EmbeddedHost.StopAsync(_host);

    // Merit order in one area-hour: supply 5 MW at 10, 20 and 30; demand 4 MW at 50, 40 and 25. Served: 4 at 50, 4 at
    // 40, 2 of the 4 at 25; welfare 50×4 + 40×4 + 25×2 − (10×5 + 20×5) = 260; the marginal buyer sets the price, 25.
    private static MarketClearingRequest MeritOrder(string id, string area = "KY") => new(id, "market-operator",
        [Offer("o10", area, 10), Offer("o20", area, 20), Offer("o30", area, 30)],
        [Bid("b50", 50), Bid("b40", 40), Bid("b25", 25)], [], [], 30);

    private static MarketOfferInput Offer(string id, string area, double ask) => new(id, "seller", id + "-site", area, T0, T0.AddHours(1), 5, ask, []);

    private static MarketBidInput Bid(string id, double value) => new(id, "buyer-" + id, 4, 1, T0, T0.AddHours(1), value, [], [], true);

    [Fact]
    public async Task Clearing_RequestedTwice_SolvesOnce_AndTheRepeatGetsTheStoredOutcome()
    {
        var grain = Grains.GetGrain<IMarketClearingGrain>("dayAhead-merit");

        var first = await grain.ClearAsync(MeritOrder("dayAhead-merit"));
        var again = await grain.ClearAsync(MeritOrder("dayAhead-merit"));

        Assert.False(first.AlreadyKnown);
        Assert.True(again.AlreadyKnown);
        Assert.Equal(MarketClearingStatus.Cleared, first.Status);
        Assert.Equal(1, again.Solves);
        Assert.Equal(260, first.WelfareYen, 6);
        Assert.All(first.Matches, m => Assert.Equal(25, m.PriceYenPerMwh, 6));
        Assert.Equal(10, first.Matches.Sum(m => m.Mw), 6);
        Assert.Equal(first.Matches, again.Matches);
        Assert.Equal(first.ClearedAt, again.ClearedAt);
        Assert.Equal(again with { AlreadyKnown = false, Matches = first.Matches, Prices = first.Prices, Unmatched = first.Unmatched }, first);
    }

    [Fact]
    public async Task Clearing_RequestedAgainWithAnotherBook_IsRefused_AndTheFirstStands()
    {
        var grain = Grains.GetGrain<IMarketClearingGrain>("dayAhead-other");
        var first = await grain.ClearAsync(MeritOrder("dayAhead-other"));
        var other = MeritOrder("dayAhead-other") with { Bids = [Bid("b50", 50)] };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => grain.ClearAsync(other));

        Assert.Contains("already requested with another book", e.Message, StringComparison.Ordinal);
        var stored = await grain.GetAsync();
        Assert.NotNull(stored);
        Assert.Equal(first.Matches, stored.Matches);
        Assert.Equal(1, stored.Solves);
    }

    [Fact]
    public async Task Clearing_WithAnUnknownArea_IsRefusedNamingTheRow_AndNothingIsStored()
    {
        var grain = Grains.GetGrain<IMarketClearingGrain>("dayAhead-narnia");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => grain.ClearAsync(MeritOrder("dayAhead-narnia", area: "Narnia")));

        Assert.Contains("offer 'o10': unknown area 'Narnia'", e.Message, StringComparison.Ordinal);
        Assert.Null(await grain.GetAsync());
    }

    [Fact]
    public async Task Clearing_SentToAnotherClearingsGrain_IsRefused()
    {
        var grain = Grains.GetGrain<IMarketClearingGrain>("dayAhead-a");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => grain.ClearAsync(MeritOrder("dayAhead-b")));

        Assert.Contains("sent to the grain of clearing 'dayAhead-a'", e.Message, StringComparison.Ordinal);
        Assert.Null(await grain.GetAsync());
    }
}
