using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Flexibility;

/// <summary>
/// An area-wide request from a grid operator or aggregator: change the fleet's consumption in <see cref="Area"/> by
/// <see cref="Amount"/> in <see cref="Direction"/> over <see cref="Window"/>, told at <see cref="IssuedAt"/>. Immutable.
/// </summary>
/// <param name="Id">The request id.</param>
/// <param name="Area">The area code (for example TK).</param>
/// <param name="Direction">Down (ひっ迫, peak) or up (surplus, 上げDR).</param>
/// <param name="Amount">The change asked for (positive).</param>
/// <param name="Window">When the change must hold.</param>
/// <param name="IssuedAt">When the request was made; the notice is the time from it to the window's start.</param>
public sealed record AreaRequest(string Id, string Area, FlexDirection Direction, Power Amount, TimeWindow Window, DateTimeOffset IssuedAt)
{
    /// <summary>The notice the request gives.</summary>
    public TimeSpan Notice => Window.Start - IssuedAt;
}

/// <summary>One site's part of the fleet's answer.</summary>
/// <param name="Site">The site.</param>
/// <param name="Power">The change the site commits to; for a commitment per slot, the largest of its slots.</param>
/// <param name="Price">Its asking price.</param>
/// <param name="Profile">The change per 30-minute slot of the window (decision 0200), or null for the same
/// <paramref name="Power"/> over the whole window.</param>
public sealed record SiteCommitment(SiteId Site, Power Power, EnergyPrice Price, CommitmentProfile? Profile = null)
{
    /// <summary>The commitment per 30-minute slot of <paramref name="window"/>: <see cref="Profile"/>, or <see cref="Power"/> in every slot.</summary>
    public CommitmentProfile ProfileOver(TimeWindow window) => Profile ?? CommitmentProfile.Flat(window, Power);
}

/// <summary>The fleet's answer to a request: what it can do and what it commits, cheapest offers first.</summary>
/// <param name="Request">The request.</param>
/// <param name="Available">The sum of matching offers in the area.</param>
/// <param name="Commitments">Per-site commitments, cheapest first; their sum is the smaller of the request and what is available.</param>
/// <param name="Note">Why less than asked is committed, or empty.</param>
public sealed record FleetAnswer(AreaRequest Request, Power Available, IReadOnlyList<SiteCommitment> Commitments, string Note)
{
    /// <summary>The total committed.</summary>
    public Power Committed => Power.FromMegawatts(Commitments.Sum(c => c.Power.Megawatts));
}

/// <summary>What one site delivered against its commitment, and why any shortfall.</summary>
/// <param name="Site">The site.</param>
/// <param name="Committed">Committed change.</param>
/// <param name="Delivered">Change the dispatcher achieved (at most the commitment).</param>
/// <param name="Why">Empty when delivered in full; otherwise the dispatcher's reason.</param>
public sealed record SiteDelivery(SiteId Site, Power Committed, Power Delivered, string Why)
{
    /// <summary>Committed minus delivered.</summary>
    public Power Shortfall => Committed - Delivered;
}

/// <summary>The delivery report of one request: committed, delivered, shortfall and why, per site and in total.</summary>
/// <param name="Answer">The answer delivered.</param>
/// <param name="Sites">Per-site delivery.</param>
public sealed record DeliveryReport(FleetAnswer Answer, IReadOnlyList<SiteDelivery> Sites)
{
    /// <summary>The total committed.</summary>
    public Power Committed => Answer.Committed;

    /// <summary>The total delivered.</summary>
    public Power Delivered => Power.FromMegawatts(Sites.Sum(s => s.Delivered.Megawatts));

    /// <summary>Committed minus delivered.</summary>
    public Power Shortfall => Committed - Delivered;
}

/// <summary>
/// Answers area-wide requests from the day-ahead offers and delivers down commitments through the dispatcher
/// (decision 0142). Stateless and thread-safe.
/// </summary>
public static class AreaRequests
{
    /// <summary>
    /// The fleet's answer: the area's offers in the request's direction whose window starts with the request's, whose
    /// notice fits the request's and whose duration covers it, taken cheapest first until the request is met.
    /// </summary>
    /// <exception cref="ArgumentException">The amount is not positive, or the window is empty or starts before the request was made.</exception>
    public static FleetAnswer Answer(AreaRequest request, IReadOnlyList<FlexibilityOffer> offers)
    {
        Validate(request, offers);

        var matching = offers
            .Where(o => string.Equals(o.Area, request.Area, StringComparison.OrdinalIgnoreCase) && o.Direction == request.Direction &&
                        o.Window.Start == request.Window.Start && o.Window.End >= request.Window.End && o.Notice <= request.Notice)
            .OrderBy(o => o.Price.YenPerKilowattHour).ThenBy(o => o.Site.ToString(), StringComparer.Ordinal)
            .ToList();
        var available = matching.Sum(o => o.Power.Megawatts);
        var left = request.Amount.Megawatts;
        var commitments = new List<SiteCommitment>();
        foreach (var o in matching)
        {
            if (left <= 1e-9)
            {
                break;
            }

            var take = Math.Min(left, o.Power.Megawatts);
            commitments.Add(new SiteCommitment(o.Site, Power.FromMegawatts(take), o.Price));
            left -= take;
        }

        var note = left > 1e-9
            ? FormattableString.Invariant($"the fleet's offers in {request.Area} for {request.Window} at {request.Notice.TotalMinutes:0} min notice hold {available:0.###} MW of the {request.Amount.Megawatts:0.###} MW asked.")
            : string.Empty;
        return new FleetAnswer(request, Power.FromMegawatts(available), commitments, note);
    }

    /// <summary>
    /// The fleet's answer per 30-minute slot (decision 0200): in each slot of the window, every site's largest offer in the
    /// request's direction that covers the slot and needs no more notice than the request gives, taken cheapest site
    /// first (a site's price is the highest of the offers it commits from) until the request is met. An offer may cover
    /// part of the window (hourly offers): a site commits only in the slots its offers cover. Each commitment carries its
    /// <see cref="SiteCommitment.Profile"/>; <see cref="FleetAnswer.Available"/> is the least over the slots of what the offers hold.
    /// </summary>
    /// <exception cref="ArgumentException">The amount is not positive, the window is empty, off the 30-minute grid or starts before the request was made.</exception>
    public static FleetAnswer AnswerBySlot(AreaRequest request, IReadOnlyList<FlexibilityOffer> offers)
    {
        Validate(request, offers);

        var count = CommitmentProfile.SlotCount(request.Window);
        var slot = CommitmentProfile.Slot;
        var bySite = offers
            .Where(o => string.Equals(o.Area, request.Area, StringComparison.OrdinalIgnoreCase) && o.Direction == request.Direction && o.Notice <= request.Notice)
            .GroupBy(o => o.Site);
        // Per site: the largest covering offer in each slot (its MW and price), and the site's price over the slots it can serve.
        var sites = new List<(SiteId Site, double[] Mw, double[] Price, double SitePrice)>();
        foreach (var g in bySite)
        {
            var mw = new double[count];
            var price = new double[count];
            for (var i = 0; i < count; i++)
            {
                var s = new TimeWindow(request.Window.Start + (i * slot), request.Window.Start + ((i + 1) * slot));
                var best = g.Where(o => o.Window.Start <= s.Start && o.Window.End >= s.End).MaxBy(o => o.Power.Megawatts);
                mw[i] = best?.Power.Megawatts ?? 0;
                price[i] = best?.Price.YenPerKilowattHour ?? 0;
            }

            if (mw.Any(x => x > 1e-9))
            {
                sites.Add((g.Key, mw, price, Enumerable.Range(0, count).Where(i => mw[i] > 1e-9).Max(i => price[i])));
            }
        }

        sites.Sort((a, b) => a.SitePrice != b.SitePrice ? a.SitePrice.CompareTo(b.SitePrice) : string.CompareOrdinal(a.Site.ToString(), b.Site.ToString()));
        var taken = sites.Select(_ => new double[count]).ToList();
        var available = double.PositiveInfinity;
        var shortSlots = 0;
        for (var i = 0; i < count; i++)
        {
            var left = request.Amount.Megawatts;
            var sum = 0.0;
            for (var k = 0; k < sites.Count; k++)
            {
                sum += sites[k].Mw[i];
                var take = Math.Min(left, sites[k].Mw[i]);
                if (take > 1e-9)
                {
                    taken[k][i] = take;
                    left -= take;
                }
            }

            available = Math.Min(available, sum);
            shortSlots += left > 1e-9 ? 1 : 0;
        }

        var commitments = new List<SiteCommitment>();
        for (var k = 0; k < sites.Count; k++)
        {
            if (taken[k].Any(x => x > 1e-9))
            {
                var profile = new CommitmentProfile(request.Window, [.. taken[k].Select(Power.FromMegawatts)]);
                var used = Enumerable.Range(0, count).Where(i => taken[k][i] > 1e-9).Max(i => sites[k].Price[i]);
                commitments.Add(new SiteCommitment(sites[k].Site, profile.Peak, EnergyPrice.FromYenPerKilowattHour(used), profile));
            }
        }

        available = double.IsFinite(available) ? available : 0;
        var note = shortSlots > 0
            ? FormattableString.Invariant($"the fleet's offers in {request.Area} for {request.Window} at {request.Notice.TotalMinutes:0} min notice hold {available:0.###} MW of the {request.Amount.Megawatts:0.###} MW asked in the slot that holds least ({shortSlots} of {count} 30-minute slots short).")
            : string.Empty;
        return new FleetAnswer(request, Power.FromMegawatts(available), commitments, note);
    }

    private static void Validate(AreaRequest request, IReadOnlyList<FlexibilityOffer> offers)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(offers);
        if (request.Amount <= Power.Zero)
        {
            throw new ArgumentException($"request '{request.Id}': the amount must be positive (got {request.Amount}).", nameof(request));
        }

        if (request.Window.IsEmpty || request.Notice < TimeSpan.Zero)
        {
            throw new ArgumentException($"request '{request.Id}': the window {request.Window} must be non-empty and start after the request ({request.IssuedAt:O}).", nameof(request));
        }
    }

    /// <summary>
    /// Delivers a down answer: each commitment becomes a curtailment order at its site, issued when the request was
    /// made with the request's notice and window, handed to the dispatcher on the plan's state at that time.
    /// </summary>
    /// <exception cref="ArgumentException">The answer is for an up request (the dispatcher only reduces).</exception>
    public static DeliveryReport Deliver(FleetAnswer answer, PlanningProblem problem, Plan plan, Dispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(dispatcher);
        if (answer.Request.Direction != FlexDirection.Down)
        {
            throw new ArgumentException("only down requests are delivered through the dispatcher.", nameof(answer));
        }

        var request = answer.Request;
        var sites = new List<SiteDelivery>();
        foreach (var c in answer.Commitments)
        {
            var order = new CurtailmentOrder(request.IssuedAt, c.Site, c.Power, request.Notice, request.Window.Duration, CurtailmentPurpose.DemandResponse);
            var decision = dispatcher.Handle(order, FleetState.FromPlan(problem, plan, request.IssuedAt));
            var delivered = Math.Min(c.Power.Megawatts, decision.Met ? decision.Achieved.Megawatts : 0);
            var why = delivered >= c.Power.Megawatts - 1e-6 && !decision.UsedFallback
                ? string.Empty
                : decision.UsedFallback
                    ? $"needed the fallback ({string.Join("; ", decision.Refused)}): work was stopped to meet it"
                    : $"not met by {decision.Deadline:O}: achieved {decision.Achieved}";
            sites.Add(new SiteDelivery(c.Site, c.Power, Power.FromMegawatts(delivered), why));
        }

        return new DeliveryReport(answer, sites);
    }
}
