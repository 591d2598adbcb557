using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using WattBit.Areas;
using WattBit.Data.Storage;
using WattBit.Planning.Market;
using WattBit.Server.Infrastructure;
using WattBit.Server.Market;
using WattBit.Server.Security;
using WattBit.Sites;

namespace WattBit.Server.Api;

/// <summary>An offer as a DC operator posts it (formats.md section 7); the operator is the caller, the area the site's.</summary>
internal sealed record MarketOfferRequest([property: JsonRequired] string Id, [property: JsonRequired] string Site, [property: JsonRequired] DateTimeOffset Start,
    [property: JsonRequired] DateTimeOffset End, [property: JsonRequired] double Mw, [property: JsonRequired] double AskYenPerMwh, string[]? Tags);

/// <summary>A bid as a DC operator posts it (formats.md section 7); <c>areas</c> empty, absent or <c>["*"]</c> = any area.</summary>
internal sealed record MarketBidRequest([property: JsonRequired] string Id, [property: JsonRequired] double Mw, [property: JsonRequired] int Hours,
    [property: JsonRequired] DateTimeOffset Release, [property: JsonRequired] DateTimeOffset Deadline, [property: JsonRequired] double ValueYenPerMwh,
    string[]? Areas, string[]? Requires, [property: JsonRequired] bool Divisible);

/// <summary>A market operator's request to run a clearing now.</summary>
internal sealed record ClearingRunRequest([property: JsonRequired] ClearingKind Kind);

/// <summary>A bid with its state: <c>open</c> (waiting for a clearing) or <c>matched</c>.</summary>
internal sealed record MarketBidView(MarketBidRecord Bid, string State);

/// <summary>What anyone may see of a clearing.</summary>
internal sealed record MarketClearingSummary(string Id, ClearingKind Kind, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset RunAt, int Offers, int Bids,
    double WelfareYen, double UpperBoundYen, double Gap, double MatchedMwh);

/// <summary>
/// A DC operator's matches over every clearing, with its settlement summed, and the curtailments of selling sites that
/// concerned it (decision 0134): as buyer, credited MWh and JPY paid back to it; as seller, refunded MWh and JPY it paid back.
/// </summary>
internal sealed record MarketPositions(string Operator, IReadOnlyList<MarketPosition> Matches, double BoughtMwh, double PaidYen, double SoldMwh, double ReceivedYen,
    double SurplusYen, IReadOnlyList<MarketCurtailmentRecord> Curtailments, double CreditedMwh, double CreditedYen, double RefundedMwh, double RefundedYen);

/// <summary>One of an operator's matches and the clearing it came from.</summary>
internal sealed record MarketPosition(string Clearing, string Side, MarketMatchRecord Match);

/// <summary>
/// The processing market (issue 16, decision 0132). DC operators post offers and bids; a market operator runs clearings
/// (or the schedule does). Sealed: before a clearing a DC operator sees only its own offers and bids; afterwards only its
/// own matches, settlement and unmatched bids, plus the public prices and volumes. Every action is in the market's audit log.
/// </summary>
internal static class MarketEndpoints
{
    private const int MaxBatch = 100;
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);

    public static void Map(IEndpointRouteBuilder app)
    {
        var market = app.MapGroup("/api/market").WithTags("Market").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters();
        market.MapPost("/offers", PostOffersAsync).WithSummary("DC operator: offer spare capacity at own sites (a batch of up to 100, all stored or none).");
        market.MapGet("/offers", async (MarketBook book, ClaimsPrincipal user) => Caller.From(user) switch
        {
            { IsMarketOperator: true } => TypedResults.Ok(await book.OffersAsync(_ => true).ConfigureAwait(false)),
            { IsDcOperator: true } me => TypedResults.Ok(await book.OffersAsync(o => o.Operator == me.Operator).ConfigureAwait(false)),
            _ => Sealed(),
        }).WithSummary("The caller's offers (DC operator), or every offer (market operator).");
        market.MapPost("/bids", PostBidsAsync).WithSummary("DC operator: bid work onto other operators' capacity (a batch of up to 100, all stored or none).");
        market.MapGet("/bids", async (MarketBook book, ClaimsPrincipal user) => Caller.From(user) switch
        {
            { IsMarketOperator: true } => TypedResults.Ok(Views(await book.BidsAsync(_ => true).ConfigureAwait(false))),
            { IsDcOperator: true } me => TypedResults.Ok(Views(await book.BidsAsync(b => b.Operator == me.Operator).ConfigureAwait(false))),
            _ => Sealed(),
        }).WithSummary("The caller's bids (DC operator), or every bid (market operator), each open or matched.");
        market.MapPost("/clearings", RunAsync).WithSummary("Market operator: run the day-ahead (next JST day) or intraday (next hour to the end of its day) clearing now; 409 if that window has cleared; in cluster mode solved by the market clearing grain, 503 if the cluster does not clear it in time.")
            .Produces<MarketClearingRecord>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        market.MapGet("/clearings", async (MarketBook book) => TypedResults.Ok((await book.ClearingsAsync().ConfigureAwait(false)).Select(Summary).ToList()))
            .WithSummary("Every clearing's public totals.");
        market.MapGet("/clearings/{id}", async (MarketBook book, ClaimsPrincipal user, string id) =>
            await book.FindAsync(id).ConfigureAwait(false) is { } c ? TypedResults.Ok(Visible(c, Caller.From(user)!)) : Problems.NotFound("clearing"))
            .WithSummary("A clearing: public prices and volumes for everyone; the caller's own matches, settlement and unmatched bids (DC operator); everything (market operator).");
        market.MapGet("/positions", async (MarketBook book, ClaimsPrincipal user) =>
            Caller.From(user) is { IsDcOperator: true } me ? TypedResults.Ok(await PositionsAsync(book, me.Operator!).ConfigureAwait(false)) : Problems.Forbidden("Positions are for DC operator keys."))
            .WithSummary("DC operator: its matches over every clearing (bought and sold), the money, and curtailments of selling sites that re-dispatched its market work (credits as buyer, refunds as seller).");
        market.MapGet("/audit", async (MarketBook book, ClaimsPrincipal user, [FromQuery] int? limit) =>
            Caller.From(user) is not { IsMarketOperator: true } ? Problems.Forbidden("The market's audit log is for market operator keys.")
            : limit is < 1 or > 10_000 ? Invalid("limit", "limit is between 1 and 10000.")
            : TypedResults.Ok(await book.AuditAsync(limit ?? 1000).ConfigureAwait(false)))
            .WithSummary("Market operator: the market's audit log (offers and bids posted, clearings run: who, when, what), oldest first.");
    }

    private static IResult Sealed() => Problems.Forbidden("The offer and bid book is sealed: DC operators see their own, the market operator sees all.");

    private static IResult Invalid(string field, string message)
    {
        var p = new Problems();
        p.Add(field, message);
        return p.Result();
    }

    private static List<MarketBidView> Views(List<(MarketBidRecord Bid, bool Open)> bids) => [.. bids.Select(b => new MarketBidView(b.Bid, b.Open ? "open" : "matched"))];

    private static MarketClearingSummary Summary(MarketClearingRecord c) =>
        new(c.Id, c.Kind, c.Start, c.End, c.RunAt, c.Offers, c.Bids, c.WelfareYen, c.UpperBoundYen, c.Gap, c.MatchedMwh);

    /// <summary>What <paramref name="caller"/> may see of a clearing (the sealing rule).</summary>
    internal static MarketClearingRecord Visible(MarketClearingRecord c, Caller caller)
    {
        if (caller.IsMarketOperator)
        {
            return c;
        }

        var op = caller.IsDcOperator ? caller.Operator : null;
        return c with
        {
            RunBy = "",
            Matches = [.. c.Matches.Where(m => op is not null && (m.Buyer == op || m.Seller == op))],
            Settlement = [.. c.Settlement.Where(s => s.Operator == op)],
            Unmatched = [.. c.Unmatched.Where(u => u.Operator == op)],
        };
    }

    private static async Task<MarketPositions> PositionsAsync(MarketBook book, string op)
    {
        var list = new List<MarketPosition>();
        var clearings = await book.ClearingsAsync().ConfigureAwait(false);
        foreach (var c in clearings)
        {
            list.AddRange(c.Matches.Where(m => m.Buyer == op).Select(m => new MarketPosition(c.Id, "bought", m)));
            list.AddRange(c.Matches.Where(m => m.Seller == op).Select(m => new MarketPosition(c.Id, "sold", m)));
        }

        var own = clearings.SelectMany(c => c.Settlement).Where(s => s.Operator == op).ToList();

        // A buyer sees its own credits and re-dispatched bids, not the other buyers' at the same site.
        var curtailments = (await book.CurtailmentsAsync(op).ConfigureAwait(false)).Select(k => k.Seller == op ? k : k with
        {
            Actions = [.. k.Actions.Where(a => a.Buyer == op)],
            Credits = [.. k.Credits.Where(c => c.Buyer == op)],
            CreditedMwh = k.Credits.Where(c => c.Buyer == op).Sum(c => c.CurtailedMwh),
            CreditedYen = k.Credits.Where(c => c.Buyer == op).Sum(c => c.CreditYen),
        }).ToList();
        var credits = curtailments.SelectMany(k => k.Credits).ToList();
        return new MarketPositions(op, list, own.Sum(s => s.BoughtMwh), own.Sum(s => s.PaidYen), own.Sum(s => s.SoldMwh), own.Sum(s => s.ReceivedYen),
            own.Sum(s => s.SurplusYen), curtailments, credits.Where(c => c.Buyer == op).Sum(c => c.CurtailedMwh), credits.Where(c => c.Buyer == op).Sum(c => c.CreditYen),
            credits.Where(c => c.Seller == op).Sum(c => c.CurtailedMwh), credits.Where(c => c.Seller == op).Sum(c => c.CreditYen));
    }

    private static async Task<IResult> RunAsync(MarketBook book, ClaimsPrincipal user, ClearingRunRequest body, CancellationToken ct)
    {
        if (Caller.From(user) is not { IsMarketOperator: true } me)
        {
            return Problems.Forbidden("Only a market operator runs clearings.");
        }

        if (!Enum.IsDefined(body.Kind))
        {
            return Invalid("kind", "kind is dayAhead or intraday.");
        }

        MarketClearingRecord? record, existing;
        try
        {
            (record, existing) = await book.ClearAsync(me.KeyId, body.Kind, ct).ConfigureAwait(false);
        }
        catch (MarketClearingUnavailableException e)
        {
            return Problems.Unavailable(e.Message);
        }

        return record is not null
            ? TypedResults.Created($"/api/market/clearings/{record.Id}", record)
            : Problems.Conflict($"The clearing {existing!.Id} of this window has already run (at {existing.RunAt:O}).");
    }

    /// <summary>The current whole hour: a window starting before it is in the past.</summary>
    private static DateTimeOffset CurrentHour(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
    }

    private static bool OnWholeHour(DateTimeOffset t) => t.UtcTicks % TimeSpan.TicksPerHour == 0;

    private static void CheckWindow(Problems p, string at, string startName, DateTimeOffset start, string endName, DateTimeOffset end, DateTimeOffset currentHour)
    {
        p.Require(OnWholeHour(start), at + startName, $"{startName} must be on a whole hour.");
        p.Require(OnWholeHour(end), at + endName, $"{endName} must be on a whole hour.");
        p.Require(start >= currentHour, at + startName, $"{startName} {start:O} is in the past (the current hour started at {currentHour:O}).");
        p.Require(end > start, at + endName, $"{endName} must be after {startName}.");
        p.Require(end - start <= MaxWindow, at + endName, $"A window is at most {MaxWindow.TotalDays} days.");
        p.Require(start.Year is >= 2000 and <= 2100, at + startName, $"{startName} must lie in 2000-2100.");
    }

    private static void CheckMoney(Problems p, string field, string name, double value) =>
        p.Require(double.IsFinite(value) && value is >= 0 and <= 1e9, field, $"{name} must be a number between 0 and 1000000000 JPY/MWh.");

    private static void CheckTags(Problems p, string at, string[]? tags)
    {
        for (var j = 0; j < (tags?.Length ?? 0); j++)
        {
            p.Require(tags![j] is { } t && MarketTags.Known.Contains(t), $"{at}[{j}]",
                $"Unknown tag '{tags[j]}'; use {string.Join(", ", MarketTags.Known)}.");
        }
    }

    private static async Task<IResult> PostOffersAsync(MarketBook book, IWattBitStore store, TimeProvider time, ClaimsPrincipal user, MarketOfferRequest?[] body,
        CancellationToken ct)
    {
        if (Caller.From(user) is not { IsDcOperator: true } me)
        {
            return Problems.Forbidden("Only DC operator keys post offers.");
        }

        var p = new Problems();
        p.Require(body.Length is > 0 and <= MaxBatch, "$", $"Post 1-{MaxBatch} offers.");
        var hour = CurrentHour(time);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var records = new List<MarketOfferRecord>();
        for (var i = 0; i < Math.Min(body.Length, MaxBatch); i++)
        {
            var at = $"[{i}].";
            if (body[i] is not { } o)
            {
                p.Add($"[{i}]", "An offer must not be null.");
                continue;
            }

            p.Require(OperatorEndpoints.IsValidId(o.Id), at + "id", "An offer id has 1-64 letters, digits, '-', '_' or '.'.");
            p.Require(ids.Add(o.Id), at + "id", $"The id '{o.Id}' appears twice in the batch.");
            p.Require(!await book.OfferExistsAsync(me.Operator!, o.Id).ConfigureAwait(false), at + "id", $"An offer '{o.Id}' is already posted; use another id.");
            CheckWindow(p, at, "start", o.Start, "end", o.End, hour);
            p.Require(double.IsFinite(o.Mw) && o.Mw is > 0 and <= 100_000, at + "mw", "mw must be above 0 and at most 100000.");
            CheckMoney(p, at + "askYenPerMwh", "askYenPerMwh", o.AskYenPerMwh);
            CheckTags(p, at + "tags", o.Tags);

            // Only the caller's own sites exist for it: another operator's site reads as not one of its sites.
            var site = OperatorEndpoints.IsValidId(o.Site) ? await store.GetSiteAsync(new SiteId(OperatorEndpoints.Scoped(me.Operator!, o.Site)), ct).ConfigureAwait(false) : null;
            if (site is null)
            {
                p.Add(at + "site", $"'{o.Site}' is not one of your sites; offer capacity only at a site you registered (PUT /api/sites/{{id}}).");
                continue;
            }

            var facility = site.Value.Value;
            var gridMw = facility.ItCapacity.Megawatts * facility.Pue;
            p.Require(o.Mw <= gridMw + 1e-9, at + "mw", $"mw {o.Mw} is more than the site's grid draw at full IT load ({gridMw:0.###} MW = IT capacity × PUE).");
            records.Add(new MarketOfferRecord(o.Id, me.Operator!, o.Site, facility.Area.Code, o.Start.ToOffset(Time.Jst.Offset), o.End.ToOffset(Time.Jst.Offset), o.Mw,
                o.AskYenPerMwh, [.. (o.Tags ?? []).Distinct(StringComparer.Ordinal)], time.GetUtcNow(), me.KeyId));
        }

        if (p.Any)
        {
            return p.Result();
        }

        return await book.PostOffersAsync(me.KeyId, records).ConfigureAwait(false) is { } taken
            ? Problems.Conflict($"An offer '{taken}' is already posted; nothing was stored.")
            : TypedResults.Created("/api/market/offers", records);
    }

    private static async Task<IResult> PostBidsAsync(MarketBook book, TimeProvider time, ClaimsPrincipal user, MarketBidRequest?[] body)
    {
        if (Caller.From(user) is not { IsDcOperator: true } me)
        {
            return Problems.Forbidden("Only DC operator keys post bids.");
        }

        var p = new Problems();
        p.Require(body.Length is > 0 and <= MaxBatch, "$", $"Post 1-{MaxBatch} bids.");
        var hour = CurrentHour(time);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var records = new List<MarketBidRecord>();
        for (var i = 0; i < Math.Min(body.Length, MaxBatch); i++)
        {
            var at = $"[{i}].";
            if (body[i] is not { } b)
            {
                p.Add($"[{i}]", "A bid must not be null.");
                continue;
            }

            p.Require(OperatorEndpoints.IsValidId(b.Id), at + "id", "A bid id has 1-64 letters, digits, '-', '_' or '.'.");
            p.Require(ids.Add(b.Id), at + "id", $"The id '{b.Id}' appears twice in the batch.");
            p.Require(!await book.BidExistsAsync(me.Operator!, b.Id).ConfigureAwait(false), at + "id", $"A bid '{b.Id}' is already posted; use another id.");
            CheckWindow(p, at, "release", b.Release, "deadline", b.Deadline, hour);
            p.Require(double.IsFinite(b.Mw) && b.Mw is > 0 and <= 100_000, at + "mw", "mw must be above 0 and at most 100000.");
            p.Require(b.Hours >= 1, at + "hours", "hours must be at least 1.");
            p.Require(b.Hours < 1 || b.Deadline <= b.Release || b.Hours <= (b.Deadline - b.Release).TotalHours, at + "hours",
                $"hours {b.Hours} is longer than the window [release, deadline) ({(b.Deadline - b.Release).TotalHours:0.##} h).");
            CheckMoney(p, at + "valueYenPerMwh", "valueYenPerMwh", b.ValueYenPerMwh);
            CheckTags(p, at + "requires", b.Requires);
            var areas = new List<string>();
            var any = b.Areas is null || b.Areas.Length == 0 || (b.Areas.Length == 1 && b.Areas[0] == "*");
            for (var j = 0; !any && j < b.Areas!.Length; j++)
            {
                if (b.Areas[j] is { } a && JapanAreas.TryFind(a, out var area))
                {
                    areas.Add(area.Code);
                }
                else
                {
                    p.Add($"{at}areas[{j}]", $"Unknown area '{b.Areas[j]}'; use one of {string.Join(", ", JapanAreas.All.Select(x => x.Code))}, or [\"*\"] for any.");
                }
            }

            records.Add(new MarketBidRecord(b.Id, me.Operator!, b.Mw, b.Hours, b.Release.ToOffset(Time.Jst.Offset), b.Deadline.ToOffset(Time.Jst.Offset), b.ValueYenPerMwh,
                [.. areas.Distinct(StringComparer.Ordinal)], [.. (b.Requires ?? []).Distinct(StringComparer.Ordinal)], b.Divisible, time.GetUtcNow(), me.KeyId));
        }

        if (p.Any)
        {
            return p.Result();
        }

        return await book.PostBidsAsync(me.KeyId, records).ConfigureAwait(false) is { } taken
            ? Problems.Conflict($"A bid '{taken}' is already posted; nothing was stored.")
            : TypedResults.Created("/api/market/bids", records);
    }
}
