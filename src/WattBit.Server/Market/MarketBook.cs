using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WattBit.Areas;
using WattBit.Data.Storage;
using WattBit.Dispatch;
using WattBit.Server.Dispatch;
using WattBit.Planning.Market;
using WattBit.Plans;
using WattBit.Server.Events;
using WattBit.Server.Grid;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Server.Market;

/// <summary>
/// The processing market's book (issue 16, decisions 0130-0132): offers and bids posted by DC operators, and the
/// clearings a market operator (or the schedule) runs over them. State lives in memory and in an <see cref="IMarketStore"/>
/// (written ahead, replayed at start-up); that log is also the market's audit log. A window clears once: its clearing id
/// is derived from its kind and start. A bid that gets anything in a clearing is closed; one that gets nothing stays open
/// for a later clearing whose window holds it. An offer's MW sold in an hour is taken off it in every later clearing, and
/// the MW matched in an area-hour off that area-hour's headroom. Thread-safe (one lock for the state, one clearing at a time).
/// </summary>
internal sealed partial class MarketBook : IDisposable
{
    /// <summary>The actor recorded for clearings the schedule runs.</summary>
    public const string Scheduler = "scheduler";

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _clearing = new(1, 1);
    private readonly Dictionary<string, MarketOfferRecord> _offers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MarketBidRecord> _bids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MarketClearingRecord> _clearings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _closedBids = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Offer, DateTimeOffset Hour), double> _sold = [];
    private readonly Dictionary<(string Area, DateTimeOffset Hour), double> _areaSold = [];
    private readonly List<MarketEntry> _entries = [];
    private readonly Dictionary<string, MarketCurtailmentRecord> _curtailments = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Clearing, string Buyer, string Bid, string Offer, DateTimeOffset Hour), double> _credited = [];
    private readonly IMarketStore _store;
    private readonly TimeProvider _time;
    private readonly IWattBitStore _plans;
    private readonly HeadroomLayerHost _layer;
    private readonly EventHub _events;
    private readonly MarketOptions _options;
    private readonly IMarketClearer _clearer;
    private readonly ILogger<MarketBook> _logger;
    private long _seq;

    public MarketBook(IMarketStore store, TimeProvider time, IWattBitStore plans, HeadroomLayerHost layer, EventHub events, IOptions<ServerOptions> options,
        IMarketClearer clearer, ILogger<MarketBook> logger)
    {
        _store = store;
        _time = time;
        _plans = plans;
        _layer = layer;
        _events = events;
        _options = options.Value.Market;
        _clearer = clearer;
        _logger = logger;
        _store.Replay(Apply);
    }

    /// <summary>What opening the store recovered, or null.</summary>
    public string? Recovery => _store.Recovery;

    /// <summary>The scoped key of an operator's offer or bid id.</summary>
    public static string Scoped(string op, string id) => op + "/" + id;

    /// <summary>The window and id of the clearing of <paramref name="kind"/> that would run at <paramref name="now"/>.</summary>
    public static (string Id, TimeWindow Window) WindowOf(ClearingKind kind, DateTimeOffset now)
    {
        var jst = now.ToOffset(Jst.Offset);
        if (kind == ClearingKind.DayAhead)
        {
            var day = new DateTimeOffset(jst.Year, jst.Month, jst.Day, 0, 0, 0, Jst.Offset).AddDays(1);
            return ("day-ahead-" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), new TimeWindow(day, day.AddDays(1)));
        }

        var start = new DateTimeOffset(jst.Year, jst.Month, jst.Day, jst.Hour, 0, 0, Jst.Offset) + Hour;
        var end = new DateTimeOffset(start.Year, start.Month, start.Day, 0, 0, 0, Jst.Offset).AddDays(1);
        return ("intraday-" + start.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture), new TimeWindow(start, end));
    }

    /// <summary>Whether an offer or bid id is taken in the operator's namespace.</summary>
    public async Task<bool> OfferExistsAsync(string op, string id)
    {
        await _store.CatchUpAsync().ConfigureAwait(false);
        lock (_lock)
        {
            return _offers.ContainsKey(Scoped(op, id));
        }
    }

    /// <inheritdoc cref="OfferExistsAsync"/>
    public async Task<bool> BidExistsAsync(string op, string id)
    {
        await _store.CatchUpAsync().ConfigureAwait(false);
        lock (_lock)
        {
            return _bids.ContainsKey(Scoped(op, id));
        }
    }

    /// <summary>Stores validated offers, all or none; returns the id already taken (nothing stored) or null.</summary>
    public async Task<string?> PostOffersAsync(string actor, IReadOnlyList<MarketOfferRecord> offers)
    {
        string? taken = null;
        await _store.AppendAsync(() =>
        {
            lock (_lock)
            {
                taken = offers.FirstOrDefault(o => _offers.ContainsKey(Scoped(o.Operator, o.Id)))?.Id;
                return taken is null ? new MarketEntry(_seq + 1, _time.GetUtcNow(), actor, "offers-posted", Offers: offers) : null;
            }
        }).ConfigureAwait(false);
        return taken;
    }

    /// <summary>Stores validated bids, all or none; returns the id already taken (nothing stored) or null.</summary>
    public async Task<string?> PostBidsAsync(string actor, IReadOnlyList<MarketBidRecord> bids)
    {
        string? taken = null;
        await _store.AppendAsync(() =>
        {
            lock (_lock)
            {
                taken = bids.FirstOrDefault(b => _bids.ContainsKey(Scoped(b.Operator, b.Id)))?.Id;
                return taken is null ? new MarketEntry(_seq + 1, _time.GetUtcNow(), actor, "bids-posted", Bids: bids) : null;
            }
        }).ConfigureAwait(false);
        return taken;
    }

    /// <summary>Offers the predicate admits, in posting order.</summary>
    public async Task<List<MarketOfferRecord>> OffersAsync(Func<MarketOfferRecord, bool> visible)
    {
        await _store.CatchUpAsync().ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _offers.Values.Where(visible)];
        }
    }

    /// <summary>Bids the predicate admits, in posting order, each with whether it is still open.</summary>
    public async Task<List<(MarketBidRecord Bid, bool Open)>> BidsAsync(Func<MarketBidRecord, bool> visible)
    {
        await _store.CatchUpAsync().ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _bids.Values.Where(visible).Select(b => (b, !_closedBids.Contains(Scoped(b.Operator, b.Id))))];
        }
    }

    /// <summary>Every clearing, oldest first.</summary>
    public async Task<List<MarketClearingRecord>> ClearingsAsync()
    {
        await _store.CatchUpAsync().ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _clearings.Values.OrderBy(c => c.RunAt).ThenBy(c => c.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>One clearing, or null.</summary>
    public async Task<MarketClearingRecord?> FindAsync(string id)
    {
        await _store.CatchUpAsync().ConfigureAwait(false);
        lock (_lock)
        {
            return _clearings.GetValueOrDefault(id);
        }
    }

    /// <summary>The audit log, oldest first (at most the last <paramref name="limit"/> entries).</summary>
    public async Task<List<MarketEntry>> AuditAsync(int limit)
    {
        await _store.CatchUpAsync().ConfigureAwait(false);
        lock (_lock)
        {
            return _entries.Count > limit ? _entries[^limit..] : [.. _entries];
        }
    }

    /// <summary>
    /// Runs the clearing of <paramref name="kind"/> due now: its open bids whose window lies inside the clearing's, and
    /// every offer's free MW in the window. Record null when that window has already cleared (Existing is then its record).
    /// </summary>
    public async Task<(MarketClearingRecord? Record, MarketClearingRecord? Existing)> ClearAsync(string actor, ClearingKind kind, CancellationToken ct)
    {
        await _clearing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var (id, window) = WindowOf(kind, _time.GetUtcNow());
            if (await FindAsync(id).ConfigureAwait(false) is { } done)
            {
                return (null, done);
            }

            List<MarketOffer> offers;
            List<MarketBid> bids;
            Dictionary<(string, DateTimeOffset), double> sold;
            Dictionary<(string, DateTimeOffset), double> areaSold;
            await _store.CatchUpAsync().ConfigureAwait(false);
            lock (_lock)
            {
                offers = [.. _offers.Values.Where(o => o.Start < window.End && o.End > window.Start).Select(o => ToOffer(o, window))];
                bids = [.. _bids.Values.Where(b => !_closedBids.Contains(Scoped(b.Operator, b.Id)) && b.Release >= window.Start && b.Deadline <= window.End).Select(ToBid)];
                sold = new(_sold);
                areaSold = new(_areaSold);
            }

            var (headroom, source) = await HeadroomAsync(offers, window, areaSold, ct).ConfigureAwait(false);
            // In process, or through the cluster's market clearing grain keyed by the clearing id (decision 0138).
            var result = await _clearer.ClearAsync(id, actor, offers, bids, headroom, sold, _options.TimeLimit, ct).ConfigureAwait(false);
            var record = ToRecord(id, kind, window, _time.GetUtcNow(), actor, offers, bids, result, source);
            // Another instance may have cleared the window meanwhile: the journal keeps the first, this one is dropped.
            var written = await _store.AppendAsync(() =>
            {
                lock (_lock)
                {
                    return _clearings.ContainsKey(id) ? null : new MarketEntry(_seq + 1, _time.GetUtcNow(), actor, "clearing-run", Clearing: record);
                }
            }).ConfigureAwait(false);
            if (written is null)
            {
                return (null, await FindAsync(id).ConfigureAwait(false));
            }

            await SavePlansAsync(record, ct).ConfigureAwait(false);
            await _events.PublishAsync("market-clearing", null, null, new { id, kind, start = window.Start, end = window.End, record.WelfareYen, record.MatchedMwh }).ConfigureAwait(false);
            foreach (var s in record.Settlement)
            {
                await _events.PublishAsync("market-settlement", null, s.Operator, new { clearing = id, settlement = s }).ConfigureAwait(false);
            }

            LogCleared(_logger, id, actor, record.Matches.Count, record.WelfareYen, record.Gap);
            return (record, null);
        }
        finally
        {
            _clearing.Release();
        }
    }

    private static MarketOffer ToOffer(MarketOfferRecord o, TimeWindow window)
    {
        var start = o.Start > window.Start ? o.Start : window.Start;
        var end = o.End < window.End ? o.End : window.End;
        return new MarketOffer(Scoped(o.Operator, o.Id), o.Operator, new SiteId(Scoped(o.Operator, o.Site)), JapanAreas.Get(o.Area), new TimeWindow(start, end),
            Power.FromMegawatts(o.Mw), o.AskYenPerMwh, new HashSet<string>(o.Tags, StringComparer.Ordinal));
    }

    private static MarketBid ToBid(MarketBidRecord b) =>
        new(Scoped(b.Operator, b.Id), b.Operator, Power.FromMegawatts(b.Mw), b.Hours, new TimeWindow(b.Release, b.Deadline), b.ValueYenPerMwh,
            b.Areas.Count == 0 ? null : b.Areas.Select(JapanAreas.Get).ToHashSet(), new HashSet<string>(b.Requires, StringComparer.Ordinal), b.Divisible);

    /// <summary>Each area-hour's limit: the layer's secure headroom summed over the area's substations, less what is already matched there.</summary>
    private async Task<(List<(GridArea Area, DateTimeOffset Hour, double Mw)> Headroom, string Source)> HeadroomAsync(List<MarketOffer> offers, TimeWindow window,
        Dictionary<(string Area, DateTimeOffset Hour), double> areaSold, CancellationToken ct)
    {
        if (!string.Equals(_options.Headroom, "layer", StringComparison.OrdinalIgnoreCase) || offers.Count == 0)
        {
            return ([], "none");
        }

        var layer = await _layer.EffectiveLayerAsync(_plans, ct).ConfigureAwait(false); // with the grid operators' uploads, as every face reads it
        var areas = offers.Select(o => o.Area.Code).ToHashSet(StringComparer.Ordinal);
        var sums = new Dictionary<(string Area, DateTimeOffset Hour), double>();
        var missing = 0;
        foreach (var s in layer.Substations)
        {
            if (s.Area is { } a && areas.Contains(a.Code))
            {
                foreach (var h in layer.Hourly(s.Id, window))
                {
                    // An hour the layer could not compute (NaN) is missing, not zero: the area-hour is limited by the others' sums.
                    if (!double.IsFinite(h.SecureMw))
                    {
                        missing++;
                        continue;
                    }

                    var key = (a.Code, h.Start.ToUniversalTime());
                    sums[key] = sums.GetValueOrDefault(key) + Math.Max(0, h.SecureMw);
                }
            }
        }

        var limits = sums.Select(kv => (JapanAreas.Get(kv.Key.Area), kv.Key.Hour, Math.Max(0, kv.Value - areaSold.GetValueOrDefault(kv.Key)))).ToList();
        return (limits, string.Create(CultureInfo.InvariantCulture,
            $"headroom layer ({layer.Info.Model}): {limits.Count} area-hours limited{(missing > 0 ? $"; {missing} substation-hours without a value left out" : "")}"));
    }

    private static MarketClearingRecord ToRecord(string id, ClearingKind kind, TimeWindow window, DateTimeOffset runAt, string actor, List<MarketOffer> offers, List<MarketBid> bids,
        MarketClearingResult result, string source)
    {
        var offerById = offers.ToDictionary(o => o.Id, StringComparer.Ordinal);
        var bidById = bids.ToDictionary(b => b.Id, StringComparer.Ordinal);
        static string Local(string scoped) => scoped[(scoped.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var matches = result.Matches.Select(m => new MarketMatchRecord(Local(m.BidId), bidById[m.BidId].Operator, Local(m.OfferId), offerById[m.OfferId].Operator,
            Local(m.Site.Value), m.Area.Code, m.Hour.ToOffset(Jst.Offset), m.Mw, m.PriceYenPerMwh)).ToList();
        return new MarketClearingRecord(id, kind, window.Start, window.End, runAt, actor, offers.Count, bids.Count, result.WelfareYen, result.UpperBoundYen,
            result.Gap, result.MatchedMwh, source, result.Method, matches,
            [.. result.Prices.Select(p => new MarketPriceRecord(p.Area.Code, p.Hour, p.YenPerMwh))],
            [.. result.Settlement.Select(s => new MarketSettlementRecord(s.Operator, s.BoughtMwh, s.PaidYen, s.SoldMwh, s.ReceivedYen, s.SurplusYen, s.NetYen))],
            [.. result.Unmatched.Select(u => new MarketUnmatchedRecord(Local(u.BidId), bidById[u.BidId].Operator, u.MatchedMwh, u.Reason))],
            [.. matches.GroupBy(m => (m.Area, m.Hour)).Select(g => new MarketVolumeRecord(g.Key.Area, g.Key.Hour, g.Sum(m => m.Mw)))
                .OrderBy(v => JapanAreas.Get(v.Area).Number).ThenBy(v => v.Hour)]);
    }

    /// <summary>
    /// The work <paramref name="seller"/> sold that runs at <paramref name="at"/>: per bought bid and site, the MW matched in
    /// that hour, the end of its contiguous run there, and the seller's sites it may move to (its offers' sites in the bid's
    /// areas carrying the bid's tags).
    /// </summary>
    public async Task<List<SoldWork>> SoldAtAsync(string seller, DateTimeOffset at)
    {
        await _store.CatchUpAsync().ConfigureAwait(false);
        var utc = at.ToUniversalTime();
        var hour = new DateTimeOffset(utc.UtcTicks - (utc.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        lock (_lock)
        {
            var result = new List<SoldWork>();
            foreach (var g in _clearings.Values.SelectMany(c => c.Matches).Where(m => m.Seller == seller).GroupBy(m => (m.Buyer, m.Bid, m.Site)))
            {
                var hours = g.GroupBy(m => m.Hour.ToUniversalTime()).ToDictionary(h => h.Key, h => h.Sum(m => m.Mw));
                if (!hours.TryGetValue(hour, out var mw) || mw <= 0 || !_bids.TryGetValue(Scoped(g.Key.Buyer, g.Key.Bid), out var bid))
                {
                    continue;
                }

                var end = hour + Hour;
                while (hours.ContainsKey(end))
                {
                    end += Hour;
                }

                var allowed = _offers.Values.Where(o => o.Operator == seller && bid.Requires.All(o.Tags.Contains) && (bid.Areas.Count == 0 || bid.Areas.Contains(o.Area)))
                    .Select(o => o.Site).Append(g.Key.Site).Distinct(StringComparer.Ordinal).ToList();
                result.Add(new SoldWork(g.Key.Buyer, bid, g.Key.Site, mw, end.ToOffset(Jst.Offset), allowed));
            }

            return result;
        }
    }

    /// <summary>The curtailment settlements (decision 0134) that concern <paramref name="op"/> as buyer or seller, oldest first; every one for null.</summary>
    public async Task<List<MarketCurtailmentRecord>> CurtailmentsAsync(string? op)
    {
        await _store.CatchUpAsync().ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _curtailments.Values.Where(k => op is null || k.Seller == op || k.Credits.Any(c => c.Buyer == op) || k.Actions.Any(a => a.Buyer == op))
                .OrderBy(k => k.EffectiveAt).ThenBy(k => k.DispatchOrder, StringComparer.Ordinal)];
        }
    }

    /// <summary>The workload id under which the seller's dispatcher sees work it sold.</summary>
    public static string SoldWorkload(string buyer, string bid) => "market:" + buyer + "/" + bid;

    /// <summary>
    /// Settles a dispatch order on a selling site (decision 0134): the order is applied to the seller's market plan (the
    /// sold work is re-dispatched like the site's own) and to each buyer's (its bought work follows), and every bought MWh
    /// that is no longer delivered in its hour is credited to the buyer at the match's price. Journalled once per dispatch
    /// order (the market's audit log shows it, actor: the grid operator's key); null when no sold work is concerned.
    /// </summary>
    public async Task<MarketCurtailmentRecord?> SettleCurtailmentAsync(string actor, DispatchOrder order, CancellationToken ct)
    {
        await _clearing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            List<(string Clearing, MarketMatchRecord Match)> matches;
            await _store.CatchUpAsync().ConfigureAwait(false);
            lock (_lock)
            {
                if (_curtailments.TryGetValue(order.Id, out var done))
                {
                    return done;
                }

                matches = [.. _clearings.Values.SelectMany(c => c.Matches.Where(m => m.Seller == order.Operator).Select(m => (c.Id, m)))];
            }

            if (matches.Count == 0 || await _plans.GetPlanAsync(PlanId(order.Operator), ct).ConfigureAwait(false) is not { } seller)
            {
                return null;
            }

            var before = seller.Value.Placements;
            var after = DispatchService.Apply(before, order, []);
            var steps = order.Actions.Where(a => a.Workload is { } w && w.StartsWith("market:", StringComparison.Ordinal)).ToList();
            var powerDown = order.Actions.FirstOrDefault(a => a.Action == DispatchActionKind.PowerDownSite);
            var actions = new List<MarketRedispatchRecord>();
            foreach (var g in matches.Where(x => x.Match.Site == order.SiteId).GroupBy(x => (x.Match.Buyer, x.Match.Bid)))
            {
                var workload = SoldWorkload(g.Key.Buyer, g.Key.Bid);
                if ((steps.LastOrDefault(a => a.Workload == workload) ?? powerDown) is { Action: not (DispatchActionKind.DischargeBattery or DispatchActionKind.AddReplicas) } step)
                {
                    actions.Add(new MarketRedispatchRecord(g.Key.Bid, g.Key.Buyer, Wire(step.Action), step.To, step.CompletesAt, step.Reason));
                }
            }

            var credits = new List<MarketCreditRecord>();
            lock (_lock)
            {
                foreach (var (clearing, m) in matches.Where(x => x.Match.Site == order.SiteId))
                {
                    var workload = SoldWorkload(m.Buyer, m.Bid);
                    var hour = new TimeWindow(m.Hour, m.Hour + Hour);
                    var lostHere = Covered(before, workload, m.Site, hour, here: true) - Covered(after, workload, m.Site, hour, here: true);
                    var gainedElsewhere = Covered(after, workload, m.Site, hour, here: false) - Covered(before, workload, m.Site, hour, here: false);
                    var lost = Math.Clamp(lostHere - Math.Max(0, gainedElsewhere), 0, 1);
                    var key = (clearing, m.Buyer, m.Bid, m.Offer, m.Hour.ToUniversalTime());
                    var mwh = Math.Min(m.Mw * lost, m.Mw - _credited.GetValueOrDefault(key));
                    if (mwh > 1e-9)
                    {
                        credits.Add(new MarketCreditRecord(clearing, m.Bid, m.Buyer, m.Offer, m.Seller, m.Site, m.Hour, m.Mw, mwh, m.PriceYenPerMwh, mwh * m.PriceYenPerMwh));
                    }
                }
            }

            if (actions.Count == 0 && credits.Count == 0)
            {
                return null;
            }

            var record = new MarketCurtailmentRecord(order.CurtailmentOrderId, order.Id, order.Operator, order.SiteId, order.EffectiveAt, order.ExpectedEndAt, actions,
                credits, credits.Sum(c => c.CurtailedMwh), credits.Sum(c => c.CreditYen));
            var written = await _store.AppendAsync(() =>
            {
                lock (_lock)
                {
                    return _curtailments.ContainsKey(order.Id) ? null : new MarketEntry(_seq + 1, _time.GetUtcNow(), actor, "curtailment-settled", Curtailment: record);
                }
            }).ConfigureAwait(false);
            if (written is null)
            {
                return (await CurtailmentsAsync(null).ConfigureAwait(false)).Find(k => k.DispatchOrder == order.Id);
            }

            // The seller's market plan, then each buyer's: the bought work follows the dispatch order.
            await SaveMarketPlacementsAsync(seller, after, ct).ConfigureAwait(false);
            foreach (var buyer in matches.Where(x => x.Match.Site == order.SiteId).Select(x => x.Match.Buyer).Distinct(StringComparer.Ordinal))
            {
                if (await _plans.GetPlanAsync(PlanId(buyer), ct).ConfigureAwait(false) is { } plan)
                {
                    await SaveMarketPlacementsAsync(plan, DispatchService.Apply(plan.Value.Placements, ForBuyer(order, buyer), []), ct).ConfigureAwait(false);
                }
            }

            await _events.PublishAsync("market-curtailment", null, order.Operator, record).ConfigureAwait(false);
            foreach (var buyer in record.Credits.Select(c => c.Buyer).Concat(record.Actions.Select(a => a.Buyer)).Distinct(StringComparer.Ordinal))
            {
                await _events.PublishAsync("market-curtailment", null, buyer, record with
                {
                    Actions = [.. record.Actions.Where(a => a.Buyer == buyer)],
                    Credits = [.. record.Credits.Where(c => c.Buyer == buyer)],
                    CreditedMwh = record.Credits.Where(c => c.Buyer == buyer).Sum(c => c.CurtailedMwh),
                    CreditedYen = record.Credits.Where(c => c.Buyer == buyer).Sum(c => c.CreditYen),
                }).ConfigureAwait(false);
            }

            LogCurtailmentSettled(_logger, order.Id, record.Credits.Count, record.CreditedMwh, record.CreditedYen);
            return record;
        }
        finally
        {
            _clearing.Release();
        }
    }

    private static string Wire(DispatchActionKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>The share of <paramref name="hour"/> that <paramref name="workload"/>'s placements cover at <paramref name="site"/> (or, here false, elsewhere).</summary>
    private static double Covered(IReadOnlyList<JobPlacement> placements, string workload, string site, TimeWindow hour, bool here)
    {
        var covered = TimeSpan.Zero;
        foreach (var p in placements)
        {
            if (p.JobId != workload || (p.Location == site) != here)
            {
                continue;
            }

            var start = p.Start > hour.Start ? p.Start : hour.Start;
            var end = p.End < hour.End ? p.End : hour.End;
            if (end > start)
            {
                covered += end - start;
            }
        }

        return Math.Min(1, covered / Hour);
    }

    /// <summary>The seller's dispatch order as the buyer's market plan names things: <c>market:{bid}</c> at <c>{seller}/{site}</c>.</summary>
    private static DispatchOrder ForBuyer(DispatchOrder order, string buyer)
    {
        var prefix = "market:" + buyer + "/";
        var seller = order.Operator + "/";
        return order with
        {
            SiteId = seller + order.SiteId,
            Actions = [.. order.Actions.Where(a => a.Action == DispatchActionKind.PowerDownSite || (a.Workload?.StartsWith(prefix, StringComparison.Ordinal) ?? false))
                .Select(a => a with { Workload = a.Workload is { } w ? "market:" + w[prefix.Length..] : null, Site = seller + a.Site, To = a.To is { } to ? seller + to : null })],
        };
    }

    private async Task SaveMarketPlacementsAsync(Versioned<PlanRecord> plan, List<JobPlacement> placements, CancellationToken ct)
    {
        var p = plan.Value;
        var horizon = placements.Count == 0 ? p.Horizon : new TimeWindow(placements.Min(x => x.Start), placements.Max(x => x.End));
        await _plans.SavePlanAsync(new PlanRecord(p.Id, _time.GetUtcNow(), horizon, p.Caps, placements, p.Note), plan.Version, ct).ConfigureAwait(false);
    }

    /// <summary>The id under which an operator's market placements and reservations are stored as a plan.</summary>
    public static string PlanId(string op) => op + "/market";

    /// <summary>
    /// Writes the matches into each operator's market plan (Core <see cref="PlanRecord"/> <c>{operator}/market</c>): a
    /// buyer gets a placement of <c>market:{bid}</c> at the seller's site (<c>{seller}/{site}</c>); a seller gets a
    /// placement of <c>market:{buyer}/{bid}</c> at its own site and, in the caps, the MW reserved at that site per hour.
    /// </summary>
    private async Task SavePlansAsync(MarketClearingRecord record, CancellationToken ct)
    {
        foreach (var op in record.Matches.SelectMany(m => new[] { m.Buyer, m.Seller }).Distinct(StringComparer.Ordinal))
        {
            var existing = await _plans.GetPlanAsync(PlanId(op), ct).ConfigureAwait(false);
            var placements = existing?.Value.Placements.ToList() ?? [];
            var reserved = new Dictionary<string, SortedDictionary<DateTimeOffset, double>>(StringComparer.Ordinal);
            foreach (var cap in existing?.Value.Caps ?? [])
            {
                var hours = reserved[cap.Site.Value] = [];
                for (var i = 0; i < cap.Hourly.Count; i++)
                {
                    hours[cap.Start.ToUniversalTime() + (i * Hour)] = cap.Hourly[i].Megawatts;
                }
            }

            foreach (var group in record.Matches.Where(m => m.Buyer == op || m.Seller == op).GroupBy(m => (m.Buyer, m.Bid, m.Seller, m.Site)))
            {
                var (buyer, bid, seller, site) = group.Key;
                var job = buyer == op ? "market:" + bid : "market:" + buyer + "/" + bid;
                var location = seller == op ? site : seller + "/" + site;
                foreach (var run in Runs(group.Select(m => m.Hour.ToUniversalTime()).Distinct().Order()))
                {
                    placements.Add(new JobPlacement(job, location, run.Start, run.End));
                }

                if (seller == op)
                {
                    var hours = reserved.TryGetValue(site, out var h) ? h : reserved[site] = [];
                    foreach (var m in group)
                    {
                        hours[m.Hour.ToUniversalTime()] = hours.GetValueOrDefault(m.Hour.ToUniversalTime()) + m.Mw;
                    }
                }
            }

            var caps = reserved.Where(kv => kv.Value.Count > 0).Select(kv =>
            {
                var first = kv.Value.Keys.First();
                var count = (int)((kv.Value.Keys.Last() - first) / Hour) + 1;
                return new SiteHourlyCaps(new SiteId(kv.Key), first.ToOffset(Jst.Offset),
                    [.. Enumerable.Range(0, count).Select(i => Power.FromMegawatts(kv.Value.GetValueOrDefault(first + (i * Hour))))]);
            }).ToList();
            var start = placements.Min(p => p.Start);
            var end = placements.Max(p => p.End);
            var plan = new PlanRecord(PlanId(op), _time.GetUtcNow(), new TimeWindow(start, end), caps, placements,
                "market: placements of bought work at sellers' sites and of sold work at own sites; caps = MW reserved for the market per own site and hour");
            await _plans.SavePlanAsync(plan, existing?.Version ?? 0, ct).ConfigureAwait(false);
        }
    }

    private static IEnumerable<TimeWindow> Runs(IEnumerable<DateTimeOffset> hours)
    {
        DateTimeOffset? start = null;
        var end = default(DateTimeOffset);
        foreach (var h in hours)
        {
            if (start is not null && h == end)
            {
                end = h + Hour;
                continue;
            }

            if (start is { } s)
            {
                yield return new TimeWindow(s.ToOffset(Jst.Offset), end.ToOffset(Jst.Offset));
            }

            (start, end) = (h, h + Hour);
        }

        if (start is { } last)
        {
            yield return new TimeWindow(last.ToOffset(Jst.Offset), end.ToOffset(Jst.Offset));
        }
    }

    public void Dispose()
    {
        _store.Dispose();
        _clearing.Dispose();
    }

    /// <summary>Applies one journal entry (called by the journal under its lock; takes the book's lock as a leaf).</summary>
    private void Apply(MarketEntry entry)
    {
        lock (_lock)
        {
            ApplyLocked(entry);
        }
    }

    private void ApplyLocked(MarketEntry entry)
    {
        _seq = entry.Seq;
        _entries.Add(entry);
        foreach (var o in entry.Offers ?? [])
        {
            _offers[Scoped(o.Operator, o.Id)] = o;
        }

        foreach (var b in entry.Bids ?? [])
        {
            _bids[Scoped(b.Operator, b.Id)] = b;
        }

        if (entry.Curtailment is { } k)
        {
            _curtailments[k.DispatchOrder] = k;
            foreach (var cr in k.Credits)
            {
                var key = (cr.Clearing, cr.Buyer, cr.Bid, cr.Offer, cr.Hour.ToUniversalTime());
                _credited[key] = _credited.GetValueOrDefault(key) + cr.CurtailedMwh;
            }
        }

        if (entry.Clearing is { } c)
        {
            _clearings[c.Id] = c;
            foreach (var m in c.Matches)
            {
                _closedBids.Add(Scoped(m.Buyer, m.Bid));
                var hour = m.Hour.ToUniversalTime();
                var offer = (Scoped(m.Seller, m.Offer), hour);
                _sold[offer] = _sold.GetValueOrDefault(offer) + m.Mw;
                _areaSold[(m.Area, hour)] = _areaSold.GetValueOrDefault((m.Area, hour)) + m.Mw;
            }
        }
    }

    [LoggerMessage(EventId = 7210, Level = LogLevel.Information, Message = "Dispatch order {Order} settled on the market: {Credits} credits, {Mwh} MWh, {Yen} JPY")]
    private static partial void LogCurtailmentSettled(ILogger logger, string order, int credits, double mwh, double yen);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Market clearing {Id} run by {Actor}: {Matches} matches, welfare {WelfareYen} JPY, gap {Gap}")]
    private static partial void LogCleared(ILogger logger, string id, string actor, int matches, double welfareYen, double gap);
}
