using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using WattBit.Data.Storage;
using WattBit.Planning.Flexibility;
using WattBit.Server.DemandResponse;
using WattBit.Server.Events;
using WattBit.Server.Infrastructure;
using WattBit.Server.Security;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Server.Api;

/// <summary>An area-wide request as a grid operator posts it: lower (<c>down</c>) or raise (<c>up</c>) consumption by <c>mw</c> over [start, end).</summary>
internal sealed record DrRequestBody([property: JsonRequired] string Id, [property: JsonRequired] string Area, [property: JsonRequired] FlexDirection Direction,
    [property: JsonRequired] double Mw, [property: JsonRequired] DateTimeOffset Start, [property: JsonRequired] DateTimeOffset End);

/// <summary>A day-ahead flexibility offer of one of the caller's sites (as <c>wattbit dr offers --out</c> writes it).</summary>
internal sealed record DrOfferBody([property: JsonRequired] string Site, [property: JsonRequired] DateTimeOffset Start, [property: JsonRequired] DateTimeOffset End,
    [property: JsonRequired] FlexDirection Direction, [property: JsonRequired] double Mw, [property: JsonRequired] int NoticeMinutes,
    [property: JsonRequired] double PriceYenPerKwh);

/// <summary>
/// A commitment: per 30-minute slot of the window, what the caller's offers hold up to the amount asked, at most <c>mw</c>
/// in any slot and at most <c>slotsMw[i]</c> in slot i (one value per slot of the window, decision 0200); both optional.
/// </summary>
internal sealed record DrCommitBody(double? Mw, double[]? SlotsMw = null);

/// <summary>Meter readings of one site: 30-minute slots (formats.md section 9), <c>kwh</c> null where the meter has no value.</summary>
internal sealed record DrMeterBody([property: JsonRequired] DrMeterReading?[] Readings);

/// <summary>
/// Demand response (issue 19, decision 0143): a grid operator posts area-wide requests for its own area; DC operators
/// publish day-ahead flexibility offers per site and hour, see the requests for the areas they have sites in, ask what
/// their offers can do for one and commit; they post their sites' meter readings; delivery (ERAB baseline vs actual per
/// slot, shortfall and why) and settlement follow per request and operator. A DC operator sees only its own offers,
/// commitments and settlement; the area's grid operator sees every operator's for its area. Every action is journalled
/// (the audit log) and announced as a live event. An aggregator (decision 0149) posts requests to the sites DC operators
/// contracted with it and sees those sites' offers, commitments and delivery, never other operators'.
/// </summary>
internal static class DrEndpoints
{
    private const int MaxBatch = 500;
    private const int MaxReadings = 20_000;
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(30);

    public static void Map(IEndpointRouteBuilder app)
    {
        var dr = app.MapGroup("/api/dr").WithTags("Demand response").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters();
        dr.MapPost("/requests", PostRequestAsync)
            .WithSummary("Grid operator: ask the DC fleet in its own area to lower (down) or raise (up) consumption by mw over [start, end) (30-minute slots, one JST day, not in the past); the notice is start − now. Aggregator: the same, addressed to the sites contracted with it in the area only (403 where it has none).")
            .Produces<DrRequestRecord>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        dr.MapGet("/requests", ListRequestsAsync)
            .WithSummary("The requests for the caller's area (grid operator), for the areas the caller has sites in (DC operator; an aggregator's only where it addresses one of them), or the aggregator's own and its contracted sites' areas' (aggregator), by start.");
        dr.MapGet("/requests/{id}", GetRequestAsync)
            .WithSummary("A request with its commitments: every operator's (its area's grid operator), the caller's own (DC operator), or those of the sites contracted with it (aggregator).");
        dr.MapGet("/requests/{id}/answer", GetAnswerAsync)
            .WithSummary("DC operator: what its published offers can do for the request, per site (cheapest first) and per 30-minute slot (slotsMw), before committing.");
        dr.MapPost("/requests/{id}/commitments", CommitAsync)
            .WithSummary("DC operator: commit, per 30-minute slot of the window, what its offers hold up to the amount asked (at most mw in any slot and slotsMw[i] in slot i, if given) before the window starts; 409 if already committed.");
        dr.MapGet("/requests/{id}/settlement", GetSettlementAsync)
            .WithSummary("After the window: delivery per site and slot (ERAB baseline vs metered actual, shortfall and why) and the payment per operator (an aggregator sees its contracted sites only).");
        dr.MapPost("/offers", PublishOffersAsync)
            .WithSummary("DC operator: publish day-ahead flexibility offers for its sites (whole hours, not in the past; one replaces the earlier one for the same site, start and direction).");
        dr.MapGet("/offers", ListOffersAsync)
            .WithSummary("The caller's published offers (DC operator), or every operator's offers in its area (grid operator).");
        dr.MapPost("/sites/{site}/meter", PostMeterAsync)
            .WithSummary("DC operator: post 30-minute meter readings of one of its sites (kWh drawn per slot); a slot already stored with another value is a 409, nothing stored.");
        dr.MapPut("/contracts/{aggregator}/sites/{site}", SignContractAsync)
            .WithSummary("DC operator: contract one of its sites with an aggregator, which may then address it with requests and sees its commitments and delivery (a site has one aggregator at a time: 409 while another holds it).")
            .Produces<DrContractRecord>(StatusCodes.Status201Created)
            .Produces<DrContractRecord>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        dr.MapDelete("/contracts/{aggregator}/sites/{site}", EndContractAsync)
            .WithSummary("DC operator: end its site's contract with the aggregator (requests already addressed to the site stay addressed).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        dr.MapGet("/contracts", ListContractsAsync)
            .WithSummary("Aggregator contracts: the caller's sites' (DC operator), the caller's own (aggregator) or its area's (grid operator).");
        DrGridBatteryEndpoints.Map(dr);
        dr.MapGet("/audit", AuditAsync)
            .WithSummary("The demand-response audit log: its area's requests, offers and commitments (grid operator) or the caller's own actions (DC operator), oldest first.");
    }

    private static Caller? DcOperator(ClaimsPrincipal user) => Caller.From(user) is { IsDcOperator: true } c ? c : null;

    private static bool IsGridOperator(Caller? c) => c is { Role: Roles.GridOperator, Area: not null };

    private static async Task<HashSet<string>> AreasOfAsync(IWattBitStore store, string op, CancellationToken ct)
    {
        var prefix = op + "/";
        return [.. (await store.ListSitesAsync(ct).ConfigureAwait(false)).Where(s => s.Value.Id.Value.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s.Value.Area.Code)];
    }

    /// <summary>
    /// The request if the caller may see it, else null: its area's grid operator; a DC operator with a site there (for an
    /// aggregator's request, a site it addresses); the aggregator that posted it, or an aggregator with a contracted site
    /// in the area of a grid operator's request.
    /// </summary>
    private static async Task<DrRequestRecord?> VisibleAsync(DrBook book, IWattBitStore store, Caller? me, string id, CancellationToken ct)
    {
        if (await book.FindAsync(id, ct).ConfigureAwait(false) is not { } r)
        {
            return null;
        }

        return me switch
        {
            { IsDcOperator: true } => r.AddressesOperator(me.Operator!) && (await AreasOfAsync(store, me.Operator!, ct).ConfigureAwait(false)).Contains(r.Area) ? r : null,
            { IsAggregator: true } => SeesRequest(await ContractsOfAsync(book, me, ct).ConfigureAwait(false), me, r) ? r : null,
            _ when me is not null && me.IsGridOperatorOf(r.Area) => r,
            _ => null,
        };
    }

    /// <summary>The contracts of an aggregator caller (empty for any other caller), read once per request.</summary>
    private static async Task<List<DrContractRecord>> ContractsOfAsync(DrBook book, Caller me, CancellationToken ct) =>
        me.IsAggregator ? await book.ContractsAsync(k => k.Aggregator == me.Operator, ct).ConfigureAwait(false) : [];

    /// <summary>An aggregator sees its own requests and the grid operator's requests in the areas of its contracted sites (<paramref name="contracts"/>: its own).</summary>
    private static bool SeesRequest(List<DrContractRecord> contracts, Caller aggregator, DrRequestRecord r) =>
        r.Aggregator == aggregator.Operator || (r.Aggregator is null && contracts.Exists(k => k.Area == r.Area));

    /// <summary>
    /// The part of a commitment the caller may see: all of it (the area's grid operator), its own (DC operator), the sites
    /// the request addresses for the aggregator that posted it or else the sites contracted with the aggregator now; null = none.
    /// </summary>
    private static DrCommitmentRecord? SeenBy(List<DrContractRecord> contracts, Caller me, DrRequestRecord r, DrCommitmentRecord c)
    {
        if (me.IsDcOperator)
        {
            return c.Operator == me.Operator ? c : null;
        }

        if (!me.IsAggregator)
        {
            return c;
        }

        if (r.Aggregator == me.Operator)
        {
            return c;
        }

        var contracted = contracts.Where(k => k.Operator == c.Operator).Select(k => k.Site).ToHashSet(StringComparer.Ordinal);
        var sites = c.Sites.Where(s => contracted.Contains(s.Site)).ToList();
        return sites.Count == 0 ? null : c with { Sites = sites };
    }

    private static async Task<IResult> PostRequestAsync(DrBook book, EventHub events, TimeProvider time, ClaimsPrincipal user, DrRequestBody body, CancellationToken ct)
    {
        var p = new Problems();
        var area = p.Area(body.Area, "area");
        if (p.Any)
        {
            return p.Result();
        }

        var me = Caller.From(user);
        List<DrContractRecord>? contracted = null;
        if (me is { IsAggregator: true })
        {
            contracted = await book.ContractsAsync(k => k.Aggregator == me.Operator && k.Area == area!.Code, ct).ConfigureAwait(false);
            if (contracted.Count == 0)
            {
                return Problems.Forbidden($"No site in {area!.Code} is contracted with aggregator '{me.Operator}'; an aggregator asks only the sites contracted with it.");
            }
        }
        else if (me is null || !me.IsGridOperatorOf(area!.Code))
        {
            return Problems.Forbidden($"Only the grid operator of {area!.Code}, or an aggregator for its contracted sites there, posts demand-response requests there.");
        }

        var now = time.GetUtcNow();
        p.Require(OperatorEndpoints.IsValidId(body.Id), "id", "A request id has 1-64 letters, digits, '-', '_' or '.'.");
        p.Require(Enum.IsDefined(body.Direction), "direction", "direction is down or up.");
        p.Require(double.IsFinite(body.Mw) && body.Mw is > 0 and <= 100_000, "mw", "mw must be above 0 and at most 100000.");
        p.Require(body.Start.UtcTicks % Slot.Ticks == 0, "start", "start must be on a 30-minute slot (:00 or :30).");
        p.Require(body.End.UtcTicks % Slot.Ticks == 0, "end", "end must be on a 30-minute slot (:00 or :30).");
        p.Require(body.Start > now, "start", $"start {body.Start:O} is in the past (now is {now.ToOffset(Jst.Offset):O}); a request needs notice.");
        p.Require(body.End > body.Start, "end", "end must be after start.");
        var startJst = body.Start.ToOffset(Jst.Offset);
        p.Require(body.End <= body.Start || body.End.ToOffset(Jst.Offset).AddTicks(-1).Date == startJst.Date, "end",
            "The window must lie within one JST day (the settlement baseline is per day).");
        p.Require(body.Start - now <= TimeSpan.FromDays(31), "start", "A request is at most 31 days ahead.");
        if (p.Any)
        {
            return p.Result();
        }

        var record = new DrRequestRecord(body.Id, area!.Code, body.Direction, body.Mw, startJst, body.End.ToOffset(Jst.Offset), now.ToOffset(Jst.Offset), me.KeyId,
            contracted is null ? null : me.Operator, contracted?.Select(k => k.Operator + "/" + k.Site).ToList());
        if (!await book.PostRequestAsync(me.KeyId, record, now, ct).ConfigureAwait(false))
        {
            return Problems.Conflict($"A request '{body.Id}' already exists; use another id.");
        }

        if (contracted is null)
        {
            await events.PublishAsync("dr-request", record.Area, null, record).ConfigureAwait(false);
        }
        else
        {
            // An aggregator's request goes to the operators of the sites it addresses (and the area's grid operator), and to the aggregator.
            foreach (var op in contracted.Select(k => k.Operator).Distinct(StringComparer.Ordinal))
            {
                await events.PublishAsync("dr-request", record.Area, op, record).ConfigureAwait(false);
            }

            await events.PublishAsync("dr-request", record.Area, null, record, me.KeyId).ConfigureAwait(false);
        }
        return TypedResults.Created($"/api/dr/requests/{record.Id}", record);
    }

    private static async Task<IResult> ListRequestsAsync(DrBook book, IWattBitStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var me = Caller.From(user);
        if (IsGridOperator(me))
        {
            return TypedResults.Ok(await book.RequestsAsync(r => r.Area == me!.Area, ct).ConfigureAwait(false));
        }

        if (me is { IsDcOperator: true })
        {
            var areas = await AreasOfAsync(store, me.Operator!, ct).ConfigureAwait(false);
            return TypedResults.Ok(await book.RequestsAsync(r => areas.Contains(r.Area) && r.AddressesOperator(me.Operator!), ct).ConfigureAwait(false));
        }

        if (me is { IsAggregator: true })
        {
            var contracts = await ContractsOfAsync(book, me, ct).ConfigureAwait(false);
            return TypedResults.Ok(await book.RequestsAsync(r => SeesRequest(contracts, me, r), ct).ConfigureAwait(false));
        }

        return Problems.Forbidden("Demand-response requests are for grid operator, DC operator and aggregator keys.");
    }

    private static async Task<IResult> GetRequestAsync(DrBook book, IWattBitStore store, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        var me = Caller.From(user);
        if (await VisibleAsync(book, store, me, id, ct).ConfigureAwait(false) is not { } r)
        {
            return Problems.NotFound("demand-response request");
        }

        var contracts = await ContractsOfAsync(book, me!, ct).ConfigureAwait(false);
        var commitments = (await book.CommitmentsAsync(r.Id, ct).ConfigureAwait(false)).Select(c => SeenBy(contracts, me!, r, c)).OfType<DrCommitmentRecord>().ToList();
        var perSlot = DrCommitmentRecord.SumPerSlot(commitments, new TimeWindow(r.Start, r.End));
        return TypedResults.Ok(new DrRequestView(r, perSlot.Max(), commitments, perSlot));
    }

    private static async Task<IResult> GetAnswerAsync(DrBook book, IWattBitStore store, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return Problems.Forbidden("Answers are for DC operator keys.");
        }

        return await VisibleAsync(book, store, me, id, ct).ConfigureAwait(false) is { } r
            ? TypedResults.Ok(await book.AnswerAsync(r, me.Operator!, ct).ConfigureAwait(false))
            : Problems.NotFound("demand-response request");
    }

    private static async Task<IResult> CommitAsync(DrBook book, IWattBitStore store, EventHub events, TimeProvider time, ClaimsPrincipal user, string id,
        DrCommitBody? body, CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return Problems.Forbidden("Only DC operator keys commit to requests.");
        }

        if (await VisibleAsync(book, store, me, id, ct).ConfigureAwait(false) is not { } r)
        {
            return Problems.NotFound("demand-response request");
        }

        var now = time.GetUtcNow();
        var p = new Problems();
        var window = new TimeWindow(r.Start, r.End);
        var count = CommitmentProfile.SlotCount(window);
        p.Require(body?.Mw is null || (double.IsFinite(body.Mw.Value) && body.Mw > 0), "mw", "mw, when given, must be above 0.");
        if (body?.SlotsMw is { } caps)
        {
            p.Require(caps.Length == count, "slotsMw", string.Create(CultureInfo.InvariantCulture,
                $"slotsMw, when given, has one value per 30-minute slot of the window [{r.Start:O}, {r.End:O}): {count}, not {caps.Length}."));
            for (var i = 0; i < caps.Length; i++)
            {
                p.Require(double.IsFinite(caps[i]) && caps[i] >= 0, $"slotsMw[{i}]", "each slot's MW must be a number ≥ 0.");
            }
        }

        if (p.Any)
        {
            return p.Result();
        }

        if (now >= r.Start)
        {
            return Problems.Conflict($"The request's window started at {r.Start:O}; commitments close then.");
        }

        // Per slot, the sites cheapest first (the answer's order) up to the caps.
        var answer = await book.AnswerAsync(r, me.Operator!, ct).ConfigureAwait(false);
        var left = Enumerable.Range(0, count).Select(i => Math.Min(body?.Mw ?? double.PositiveInfinity, body?.SlotsMw?[i] ?? double.PositiveInfinity)).ToArray();
        var sites = new List<DrSiteCommitmentRecord>();
        foreach (var s in answer.Sites)
        {
            var slots = new double[count];
            for (var i = 0; i < count; i++)
            {
                slots[i] = Math.Max(0, Math.Min(s.SlotsMw![i], left[i]));
                left[i] -= slots[i];
            }

            if (slots.Max() > 1e-9)
            {
                sites.Add(s with { Mw = slots.Max(), SlotsMw = slots });
            }
        }

        if (sites.Count == 0)
        {
            p.Add("mw", answer.Note.Length > 0 ? "Nothing to commit: " + answer.Note : "Nothing to commit: your published offers hold nothing for this request.");
            return p.Result();
        }

        var commitment = new DrCommitmentRecord(r.Id, me.Operator!, answer.AvailableMw, sites, now.ToOffset(Jst.Offset), me.KeyId);
        if (!await book.CommitAsync(me.KeyId, commitment, ct).ConfigureAwait(false))
        {
            return Problems.Conflict("You have already committed to this request.");
        }

        await events.PublishAsync("dr-commitment", r.Area, me.Operator, commitment).ConfigureAwait(false);
        if (r.Aggregator is not null)
        {
            await events.PublishAsync("dr-commitment", r.Area, null, commitment, r.IssuedBy).ConfigureAwait(false);
        }
        return TypedResults.Created($"/api/dr/requests/{r.Id}", commitment);
    }

    private static async Task<IResult> GetSettlementAsync(DrBook book, IWattBitStore store, TimeProvider time, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        var me = Caller.From(user);
        if (await VisibleAsync(book, store, me, id, ct).ConfigureAwait(false) is not { } r)
        {
            return Problems.NotFound("demand-response request");
        }

        if (time.GetUtcNow() < r.End)
        {
            return Problems.Conflict($"The request's window ends at {r.End:O}; delivery is measured after it.");
        }

        var contracts = await ContractsOfAsync(book, me!, ct).ConfigureAwait(false);
        var seen = (await book.CommitmentsAsync(r.Id, ct).ConfigureAwait(false)).Select(c => SeenBy(contracts, me!, r, c)).OfType<DrCommitmentRecord>().ToList();
        var operators = seen.Select(c => book.Settle(r, c)).ToList();
        var settled = operators.Where(o => o.AmountYen is not null).ToList();
        var committedMw = DrCommitmentRecord.SumPerSlot(seen, new TimeWindow(r.Start, r.End)).Max();
        return TypedResults.Ok(new DrSettlementView(r, committedMw, settled.Sum(o => o.CreditedKwh!.Value), settled.Sum(o => o.AmountYen!.Value),
            operators));
    }

    private static async Task<IResult> PublishOffersAsync(DrBook book, IWattBitStore store, EventHub events, TimeProvider time, ClaimsPrincipal user, DrOfferBody?[] body,
        CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return Problems.Forbidden("Only DC operator keys publish flexibility offers.");
        }

        var p = new Problems();
        p.Require(body.Length is > 0 and <= MaxBatch, "$", $"Publish 1-{MaxBatch} offers.");
        var now = time.GetUtcNow();
        var hour = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        var keys = new HashSet<(string, DateTimeOffset, FlexDirection)>();
        var records = new List<DrOfferRecord>();
        var sites = new Dictionary<string, Site?>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(body.Length, MaxBatch); i++)
        {
            var at = $"[{i}].";
            if (body[i] is not { } o)
            {
                p.Add($"[{i}]", "An offer must not be null.");
                continue;
            }

            p.Require(o.Start.UtcTicks % TimeSpan.TicksPerHour == 0, at + "start", "start must be on a whole hour.");
            p.Require(o.End.UtcTicks % TimeSpan.TicksPerHour == 0, at + "end", "end must be on a whole hour.");
            p.Require(o.Start >= hour, at + "start", $"start {o.Start:O} is in the past (the current hour started at {hour.ToOffset(Jst.Offset):O}).");
            p.Require(o.End > o.Start && o.End - o.Start <= TimeSpan.FromHours(24), at + "end", "end must be after start, at most 24 hours later.");
            p.Require(o.Start - now <= TimeSpan.FromDays(8), at + "start", "An offer is at most 8 days ahead.");
            p.Require(Enum.IsDefined(o.Direction), at + "direction", "direction is down or up.");
            p.Require(double.IsFinite(o.Mw) && o.Mw is >= 0 and <= 100_000, at + "mw", "mw must be between 0 and 100000.");
            p.Require(o.NoticeMinutes is >= 0 and <= 24 * 60, at + "noticeMinutes", "noticeMinutes must be between 0 and 1440.");
            p.Require(double.IsFinite(o.PriceYenPerKwh) && o.PriceYenPerKwh is >= 0 and <= 1_000_000, at + "priceYenPerKwh", "priceYenPerKwh must be between 0 and 1000000.");
            p.Require(keys.Add((o.Site, o.Start.ToUniversalTime(), o.Direction)), at + "start", $"Site '{o.Site}' has two {o.Direction} offers starting at {o.Start:O} in the batch.");
            if (!sites.TryGetValue(o.Site, out var site))
            {
                site = OperatorEndpoints.IsValidId(o.Site)
                    ? (await store.GetSiteAsync(new SiteId(OperatorEndpoints.Scoped(me.Operator!, o.Site)), ct).ConfigureAwait(false))?.Value
                    : null;
                sites[o.Site] = site;
            }

            if (site is null)
            {
                p.Add(at + "site", $"'{o.Site}' is not one of your sites; offer flexibility only at a site you registered (PUT /api/sites/{{id}}).");
                continue;
            }

            var gridMw = site.ItCapacity.Megawatts * site.Pue;
            p.Require(o.Mw <= gridMw + 1e-9, at + "mw", $"mw {o.Mw} is more than the site's grid draw at full IT load ({gridMw.ToString("0.###", CultureInfo.InvariantCulture)} MW = IT capacity × PUE).");
            records.Add(new DrOfferRecord(me.Operator!, o.Site, site.Area.Code, o.Start.ToOffset(Jst.Offset), o.End.ToOffset(Jst.Offset), o.Direction, o.Mw, o.NoticeMinutes,
                o.PriceYenPerKwh, now.ToOffset(Jst.Offset)));
        }

        if (p.Any)
        {
            return p.Result();
        }

        await book.PublishOffersAsync(me.KeyId, records, now, ct).ConfigureAwait(false);
        foreach (var area in records.Select(r => r.Area).Distinct(StringComparer.Ordinal))
        {
            await events.PublishAsync("dr-offers", area, me.Operator, new { @operator = me.Operator, area, offers = records.Count(r => r.Area == area) }).ConfigureAwait(false);
        }

        return TypedResults.Created("/api/dr/offers", records);
    }

    private static async Task<IResult> ListOffersAsync(DrBook book, ClaimsPrincipal user, CancellationToken ct) => Caller.From(user) switch
    {
        { IsDcOperator: true } me => TypedResults.Ok(await book.OffersAsync(o => o.Operator == me.Operator, ct).ConfigureAwait(false)),
        var me when IsGridOperator(me) => TypedResults.Ok(await book.OffersAsync(o => o.Area == me!.Area, ct).ConfigureAwait(false)),
        { IsAggregator: true } me => TypedResults.Ok(await ContractedOffersAsync(book, me.Operator!, ct).ConfigureAwait(false)),
        _ => Problems.Forbidden("Flexibility offers are for DC operator, grid operator and aggregator keys."),
    };

    private static async Task<List<DrOfferRecord>> ContractedOffersAsync(DrBook book, string aggregator, CancellationToken ct)
    {
        var sites = (await book.ContractsAsync(k => k.Aggregator == aggregator, ct).ConfigureAwait(false)).Select(k => (k.Operator, k.Site)).ToHashSet();
        return await book.OffersAsync(o => sites.Contains((o.Operator, o.Site)), ct).ConfigureAwait(false);
    }

    private static async Task<IResult> SignContractAsync(DrBook book, IWattBitStore store, EventHub events, TimeProvider time, ClaimsPrincipal user, string aggregator,
        string site, CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return Problems.Forbidden("Only DC operator keys contract their sites with an aggregator.");
        }

        if (!ApiKeyTable.IsValidOperatorId(aggregator))
        {
            var p = new Problems();
            p.Add("aggregator", "An aggregator id has 1-64 letters, digits, '-' or '_'.");
            return p.Result();
        }

        if (!OperatorEndpoints.IsValidId(site) || await store.GetSiteAsync(new SiteId(OperatorEndpoints.Scoped(me.Operator!, site)), ct).ConfigureAwait(false) is not { } stored)
        {
            return Problems.NotFound("site");
        }

        var now = time.GetUtcNow().ToOffset(Jst.Offset);
        var wanted = new DrContractRecord(aggregator, me.Operator!, site, stored.Value.Area.Code, now, me.KeyId);
        var held = await book.SignContractAsync(me.KeyId, wanted, ct).ConfigureAwait(false);
        if (held.Aggregator != aggregator)
        {
            return Problems.Conflict($"Site '{site}' is contracted with aggregator '{held.Aggregator}'; end that contract first (a site has one aggregator at a time).");
        }

        if (!ReferenceEquals(held, wanted))
        {
            return TypedResults.Ok(held);
        }

        await events.PublishAsync("dr-contract", held.Area, me.Operator, held).ConfigureAwait(false);
        return TypedResults.Created($"/api/dr/contracts/{aggregator}/sites/{site}", held);
    }

    private static async Task<IResult> EndContractAsync(DrBook book, EventHub events, TimeProvider time, ClaimsPrincipal user, string aggregator, string site,
        CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return Problems.Forbidden("Only DC operator keys end their sites' aggregator contracts.");
        }

        var existing = (await book.ContractsAsync(k => k.Operator == me.Operator && k.Site == site && k.Aggregator == aggregator, ct).ConfigureAwait(false)).FirstOrDefault();
        if (existing is null || !await book.EndContractAsync(me.KeyId, aggregator, me.Operator!, site, time.GetUtcNow().ToOffset(Jst.Offset), ct).ConfigureAwait(false))
        {
            return Problems.NotFound("contract");
        }

        await events.PublishAsync("dr-contract", existing.Area, me.Operator, new { aggregator, @operator = me.Operator, site, ended = true }).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ListContractsAsync(DrBook book, ClaimsPrincipal user, CancellationToken ct) => Caller.From(user) switch
    {
        { IsDcOperator: true } me => TypedResults.Ok(await book.ContractsAsync(k => k.Operator == me.Operator, ct).ConfigureAwait(false)),
        { IsAggregator: true } me => TypedResults.Ok(await book.ContractsAsync(k => k.Aggregator == me.Operator, ct).ConfigureAwait(false)),
        var me when IsGridOperator(me) => TypedResults.Ok(await book.ContractsAsync(k => k.Area == me!.Area, ct).ConfigureAwait(false)),
        _ => Problems.Forbidden("Aggregator contracts are for DC operator, aggregator and grid operator keys."),
    };

    private static async Task<IResult> PostMeterAsync(DrBook book, IWattBitStore store, TimeProvider time, ClaimsPrincipal user, string site, DrMeterBody body,
        CancellationToken ct)
    {
        if (DcOperator(user) is not { } me)
        {
            return Problems.Forbidden("Only DC operator keys post meter readings.");
        }

        if (!OperatorEndpoints.IsValidId(site) || await store.GetSiteAsync(new SiteId(OperatorEndpoints.Scoped(me.Operator!, site)), ct).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("site");
        }

        var p = new Problems();
        var readings = body.Readings;
        p.Require(readings.Length is > 0 and <= MaxReadings, "readings", $"Post 1-{MaxReadings} readings.");
        var seen = new Dictionary<DateTimeOffset, int>();
        var now = time.GetUtcNow();
        for (var i = 0; i < Math.Min(readings.Length, MaxReadings); i++)
        {
            var at = $"readings[{i}].";
            if (readings[i] is not { } r)
            {
                p.Add($"readings[{i}]", "A reading must not be null.");
                continue;
            }

            p.Require(r.Timestamp.UtcTicks % Slot.Ticks == 0, at + "timestamp", $"{r.Timestamp:O} is not the start of a 30-minute slot (:00 or :30).");
            p.Require(r.Timestamp + Slot <= now, at + "timestamp", $"The slot {r.Timestamp:O} has not ended yet.");
            p.Require(r.Kwh is null || (double.IsFinite(r.Kwh.Value) && r.Kwh >= 0), at + "kwh", "kwh must be a number of at least 0 (null where the meter has no value).");
            if (!seen.TryAdd(r.Timestamp.ToUniversalTime(), i))
            {
                p.Add(at + "timestamp", $"duplicate slot: {r.Timestamp:O} is already readings[{seen[r.Timestamp.ToUniversalTime()]}].");
            }
        }

        if (p.Any)
        {
            return p.Result();
        }

        var sorted = readings.Select(r => r! with { Timestamp = r.Timestamp.ToOffset(Jst.Offset) }).OrderBy(r => r.Timestamp).ToList();
        if (await book.PostMeterAsync(me.KeyId, new DrMeterRecord(me.Operator!, site, sorted), now, ct).ConfigureAwait(false) is { } clash)
        {
            return Problems.Conflict($"The slot {clash:O} of site '{site}' is already stored with another value; nothing was stored.");
        }

        return TypedResults.Created($"/api/dr/sites/{site}/meter", new { site, readings = sorted.Count, first = sorted[0].Timestamp, last = sorted[^1].Timestamp });
    }

    private static async Task<IResult> AuditAsync(DrBook book, ClaimsPrincipal user, [FromQuery] int? limit, CancellationToken ct)
    {
        var me = Caller.From(user);
        if (limit is < 1 or > 10_000)
        {
            var p = new Problems();
            p.Add("limit", "limit is between 1 and 10000.");
            return p.Result();
        }

        return me switch
        {
            { IsDcOperator: true } => TypedResults.Ok(await book.AuditAsync(l => l.Operator == me.Operator, limit ?? 1000, ct).ConfigureAwait(false)),
            _ when IsGridOperator(me) => TypedResults.Ok(await book.AuditAsync(l => l.Area == me!.Area && l.Kind != "meter-posted", limit ?? 1000, ct).ConfigureAwait(false)),
            { IsAggregator: true } => TypedResults.Ok(await book.AuditAsync(l => l.Aggregator == me.Operator, limit ?? 1000, ct).ConfigureAwait(false)),
            _ => Problems.Forbidden("The demand-response audit log is for grid operator, DC operator and aggregator keys."),
        };
    }
}
