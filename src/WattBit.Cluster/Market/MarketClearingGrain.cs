using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WattBit.Areas;
using WattBit.Planning.Market;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Cluster.Market;

/// <summary>Durable state of a market clearing grain.</summary>
[GenerateSerializer]
internal sealed class MarketClearingGrainState
{
    [Id(0)] public MarketClearingRequest? Request { get; set; }

    [Id(1)] public DateTimeOffset AcceptedAt { get; set; }

    [Id(2)] public int Solves { get; set; }

    [Id(3)] public MarketClearingOutcome? Outcome { get; set; }
}

/// <summary>
/// The market clearing grain (decision 0137). The request is persisted before the solve starts and a <c>clear</c>
/// reminder is registered; the outcome is persisted before the caller is answered and the reminder removed. A silo that
/// dies mid-solve leaves the request and the reminder in storage, so another silo solves it; a repeated request (a
/// retry, another server instance) gets the persisted outcome without a new solve. Grain calls are not interleaved, so
/// two requests at once solve once.
/// </summary>
internal sealed partial class MarketClearingGrain(
    [PersistentState("market-clearing", ClusterHosting.StorageName)] IPersistentState<MarketClearingGrainState> state,
    TimeProvider time, IOptions<ClusterSettings> settings, ILocalSiloDetails silo, ILogger<MarketClearingGrain> logger) : Grain, IMarketClearingGrain, IRemindable
{
    private const string Clear = "clear";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A request persisted by a silo that died before it registered the reminder gets it here.
        if (state.State is { Request: not null, Outcome: null })
        {
            await EnsureReminderAsync();
        }
    }

    public async Task<MarketClearingOutcome> ClearAsync(MarketClearingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var id = this.GetPrimaryKeyString();
        if (request.ClearingId != id)
        {
            throw new ArgumentException($"clearing '{request.ClearingId}' sent to the grain of clearing '{id}'.", nameof(request));
        }

        var s = state.State;
        if (s.Request is { } known)
        {
            if (!known.SameBook(request))
            {
                throw new ArgumentException($"clearing '{id}' was already requested with another book ({known.Offers.Length} offers, {known.Bids.Length} bids).", nameof(request));
            }

            var outcome = s.Outcome ?? await SolveAsync();
            return outcome with { AlreadyKnown = true };
        }

        // Convert first: a book the engine cannot read is refused before anything is stored.
        _ = Inputs(request);
        state.State = new MarketClearingGrainState { Request = request, AcceptedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        await EnsureReminderAsync();
        return await SolveAsync();
    }

    public Task<MarketClearingOutcome?> GetAsync()
    {
        var s = state.State;
        if (s.Request is not { } r)
        {
            return Task.FromResult<MarketClearingOutcome?>(null);
        }

        return Task.FromResult<MarketClearingOutcome?>(s.Outcome ?? new MarketClearingOutcome(r.ClearingId, MarketClearingStatus.Accepted, r.RequestedBy, s.AcceptedAt,
            null, s.Solves, 0, 0, string.Empty, [], [], [], string.Empty, AlreadyKnown: false));
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == Clear && state.State is { Request: not null, Outcome: null })
        {
            await SolveAsync();
            return;
        }

        await UnregisterAsync(reminderName);
    }

    private async Task<MarketClearingOutcome> SolveAsync()
    {
        var s = state.State;
        var request = s.Request!;
        s.Solves++;
        await state.WriteStateAsync();
        var (offers, bids, headroom, options) = Inputs(request);
        var result = await Task.Run(() => MarketClearing.Clear(offers, bids, headroom, options));
        var outcome = new MarketClearingOutcome(request.ClearingId, MarketClearingStatus.Cleared, request.RequestedBy, s.AcceptedAt, time.GetUtcNow(), s.Solves,
            result.WelfareYen, result.UpperBoundYen, result.Method,
            [.. result.Matches.Select(m => new MarketMatchOutput(m.BidId, m.OfferId, m.Hour, m.Mw, m.PriceYenPerMwh))],
            [.. result.Prices.Select(p => new MarketPriceOutput(p.Area.Code, p.Hour, p.YenPerMwh))],
            [.. result.Unmatched.Select(u => new MarketUnmatchedOutput(u.BidId, u.MatchedMwh, u.Reason))],
            silo.SiloAddress.ToString(), AlreadyKnown: false, result.Backend);
        s.Outcome = outcome;
        await state.WriteStateAsync();
        await UnregisterAsync(Clear);
        LogCleared(logger, request.ClearingId, s.Solves, outcome.Matches.Length, outcome.WelfareYen);
        return outcome;
    }

    /// <summary>The clearing engine's inputs for a request.</summary>
    /// <exception cref="ArgumentException">An area code is unknown or a value is out of range (the message names the clearing, the row and the field).</exception>
    internal static (List<MarketOffer> Offers, List<MarketBid> Bids, MarketHeadroom Headroom, MarketClearingOptions Options) Inputs(MarketClearingRequest request)
    {
        try
        {
            var offers = request.Offers.Select(o => new MarketOffer(o.Id, o.Operator, new SiteId(o.Site), Area(o.Area, $"offer '{o.Id}'"), new TimeWindow(o.Start, o.End),
                Power.FromMegawatts(o.Mw), o.AskYenPerMwh, new HashSet<string>(o.Tags, StringComparer.Ordinal))).ToList();
            var bids = request.Bids.Select(b => new MarketBid(b.Id, b.Operator, Power.FromMegawatts(b.Mw), b.Hours, new TimeWindow(b.Release, b.Deadline), b.ValueYenPerMwh,
                b.Areas.Length == 0 ? null : b.Areas.Select(a => Area(a, $"bid '{b.Id}'")).ToHashSet(), new HashSet<string>(b.Requires, StringComparer.Ordinal), b.Divisible)).ToList();
            var headroom = new MarketHeadroom(request.Headroom.Select(h => (Area(h.Key, "headroom"), h.Hour.ToUniversalTime(), h.Mw)));
            var sold = request.Sold.ToDictionary(x => (x.Key, x.Hour.ToUniversalTime()), x => x.Mw);
            return (offers, bids, headroom, new MarketClearingOptions(TimeLimit: TimeSpan.FromSeconds(request.TimeLimitSeconds), Sold: sold, Aggregate: true));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"clearing '{request.ClearingId}': {e.Message}", nameof(request), e);
        }
    }

    private static GridArea Area(string code, string where) =>
        JapanAreas.TryFind(code, out var area) ? area : throw new ArgumentException($"{where}: unknown area '{code}'.");

    private async Task EnsureReminderAsync()
    {
        if (await this.GetReminder(Clear) is null)
        {
            var period = settings.Value.ReminderPeriod;
            await this.RegisterOrUpdateReminder(Clear, period, period);
        }
    }

    private async Task UnregisterAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(EventId = 9131, Level = LogLevel.Information, Message = "Market clearing {ClearingId} cleared (solve {Solves}): {Matches} rows, welfare {WelfareYen} JPY.")]
    private static partial void LogCleared(ILogger logger, string clearingId, int solves, int matches, double welfareYen);
}
