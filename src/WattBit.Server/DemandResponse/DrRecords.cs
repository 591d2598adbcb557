using WattBit.Planning.Flexibility;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Server.DemandResponse;

/// <summary>
/// An area-wide demand-response request as a grid operator posted it, or as an aggregator posted it to the sites it has
/// contracts with in the area (decision 0149). Immutable.
/// </summary>
/// <param name="Id">The request id (unique on the server).</param>
/// <param name="Area">The area code the request is for (the poster's area).</param>
/// <param name="Direction">Down (lower consumption: peak, supply warning) or up (raise it: surplus).</param>
/// <param name="Mw">The change asked for, MW (positive).</param>
/// <param name="Start">Start of the window (on a 30-minute slot).</param>
/// <param name="End">End of the window (exclusive, on a 30-minute slot, the same JST day).</param>
/// <param name="IssuedAt">When it was posted; the notice is <c>start − issuedAt</c>.</param>
/// <param name="IssuedBy">The key id that posted it.</param>
/// <param name="Aggregator">The aggregator that posted it, or null for the area's grid operator.</param>
/// <param name="Sites">An aggregator's request: the sites it addresses (its contracted sites in the area when posted), each
/// <c>operator/site</c>; only their operators see it and only these sites answer it. Null for a grid operator's.</param>
internal sealed record DrRequestRecord(string Id, string Area, FlexDirection Direction, double Mw, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset IssuedAt,
    string IssuedBy, string? Aggregator = null, IReadOnlyList<string>? Sites = null)
{
    /// <summary>Whether the request addresses <paramref name="op"/>'s site <paramref name="site"/> (any site in the area for a grid operator's request).</summary>
    public bool Addresses(string op, string site) => Sites is null || Sites.Contains(op + "/" + site, StringComparer.Ordinal);

    /// <summary>Whether an aggregator's request addresses at least one site of <paramref name="op"/>.</summary>
    public bool AddressesOperator(string op) => Sites is null || Sites.Any(s => s.StartsWith(op + "/", StringComparison.Ordinal));
}

/// <summary>
/// A DC operator's contract with an aggregator for one of its sites (decision 0149): the aggregator may address the site
/// with its requests and sees the site's commitments and delivery. A site has at most one aggregator at a time. Immutable.
/// </summary>
/// <param name="Aggregator">The aggregator's id.</param>
/// <param name="Operator">The DC operator.</param>
/// <param name="Site">The site (the operator's own id).</param>
/// <param name="Area">The site's area code.</param>
/// <param name="Since">When the operator signed it.</param>
/// <param name="SignedBy">The operator's key id.</param>
internal sealed record DrContractRecord(string Aggregator, string Operator, string Site, string Area, DateTimeOffset Since, string SignedBy);

/// <summary>
/// A battery elsewhere on the grid that a DC operator contracted for one of its sites (decision 0197), with the grid
/// engine's answer that made it acceptable: the site's secure headroom (lowest over the layer's hours) without and with
/// the battery discharging, decided by the layer's PTDF/LODF sensitivities (decision 0146). Immutable.
/// </summary>
/// <param name="Operator">The DC operator.</param>
/// <param name="Site">The site (the operator's own id).</param>
/// <param name="Area">The site's area code.</param>
/// <param name="Battery">The battery's id (the operator's name for the contract).</param>
/// <param name="Substation">The layer substation the battery is connected at.</param>
/// <param name="Mw">The discharge contracted, MW.</param>
/// <param name="PriceYen">What the contract costs, JPY.</param>
/// <param name="WithoutMw">The site's headroom without the battery, MW.</param>
/// <param name="WithMw">With it discharging <paramref name="Mw"/>, MW.</param>
/// <param name="ReliefMw">With less without, MW.</param>
/// <param name="YenPerMwOfRelief">Price per MW of headroom gained.</param>
/// <param name="LimitingLine">The line limiting the site without the battery.</param>
/// <param name="LimitingLineWith">The line limiting it with the battery.</param>
/// <param name="Why">The engine's reason in words (sensitivities, branches).</param>
/// <param name="Model">What the answer was computed on (the layer's model and criterion).</param>
/// <param name="ContractedAt">When it was stored.</param>
/// <param name="SignedBy">The operator's key id.</param>
internal sealed record DrGridBatteryRecord(string Operator, string Site, string Area, string Battery, string Substation, double Mw, double PriceYen, double WithoutMw,
    double WithMw, double ReliefMw, double YenPerMwOfRelief, string? LimitingLine, string? LimitingLineWith, string Why, string Model, DateTimeOffset ContractedAt,
    string SignedBy);

/// <summary>A published day-ahead flexibility offer of one site (decision 0141's offer, as a DC operator publishes it). Immutable.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="Site">The site (the operator's own id for it).</param>
/// <param name="Area">The site's area code.</param>
/// <param name="Start">First hour offered (a whole hour).</param>
/// <param name="End">End of the offer (exclusive, a whole hour): the change holds over all of [start, end).</param>
/// <param name="Direction">Down or up.</param>
/// <param name="Mw">The change of grid draw offered, MW.</param>
/// <param name="NoticeMinutes">The notice the site needs.</param>
/// <param name="PriceYenPerKwh">The asking price, JPY/kWh.</param>
/// <param name="PostedAt">When it was published.</param>
internal sealed record DrOfferRecord(string Operator, string Site, string Area, DateTimeOffset Start, DateTimeOffset End, FlexDirection Direction, double Mw,
    int NoticeMinutes, double PriceYenPerKwh, DateTimeOffset PostedAt);

/// <summary>One site's part of an operator's commitment. Immutable.</summary>
/// <param name="Site">The site (the operator's own id).</param>
/// <param name="Mw">The change committed, MW: the largest of <paramref name="SlotsMw"/>, or the same in every slot when that is null.</param>
/// <param name="PriceYenPerKwh">The price it is paid per kWh delivered.</param>
/// <param name="SlotsMw">The change committed in each 30-minute slot of the request's window, in order (decision 0200); null for a
/// commitment of <paramref name="Mw"/> over the whole window (as stored before profiles).</param>
internal sealed record DrSiteCommitmentRecord(string Site, double Mw, double PriceYenPerKwh, IReadOnlyList<double>? SlotsMw = null)
{
    /// <summary>The commitment per slot of <paramref name="window"/>.</summary>
    public CommitmentProfile ProfileOver(TimeWindow window) => SlotsMw is { } slots
        ? new CommitmentProfile(window, [.. slots.Select(Power.FromMegawatts)])
        : CommitmentProfile.Flat(window, Power.FromMegawatts(Mw));
}

/// <summary>A DC operator's commitment to a request (at most one per operator and request). Immutable.</summary>
/// <param name="Request">The request id.</param>
/// <param name="Operator">The operator.</param>
/// <param name="AvailableMw">What its offers held for the request when it committed.</param>
/// <param name="Sites">Per-site commitments, cheapest first.</param>
/// <param name="CommittedAt">When.</param>
/// <param name="CommittedBy">The key id.</param>
internal sealed record DrCommitmentRecord(string Request, string Operator, double AvailableMw, IReadOnlyList<DrSiteCommitmentRecord> Sites, DateTimeOffset CommittedAt,
    string CommittedBy)
{
    /// <summary>The total committed, MW: the largest over the slots of the sites' sum (their sum for commitments without profiles).</summary>
    public double Mw => SlotsMw is { Count: > 0 } slots ? slots.Max() : Sites.Sum(s => s.Mw);

    /// <summary>Commitments summed per 30-minute slot of <paramref name="window"/> (a site without a profile counts its MW in every slot).</summary>
    public static double[] SumPerSlot(IEnumerable<DrCommitmentRecord> commitments, TimeWindow window)
    {
        var totals = new double[CommitmentProfile.SlotCount(window)];
        foreach (var site in commitments.SelectMany(c => c.Sites))
        {
            var profile = site.ProfileOver(window);
            for (var i = 0; i < totals.Length; i++)
            {
                totals[i] += profile.Slots[i].Megawatts;
            }
        }

        return totals;
    }

    /// <summary>The sites' sum per 30-minute slot of the window, or null when a site committed without a profile.</summary>
    public IReadOnlyList<double>? SlotsMw => Sites.Count > 0 && Sites.All(s => s.SlotsMw is not null)
        ? [.. Enumerable.Range(0, Sites[0].SlotsMw!.Count).Select(i => Sites.Sum(s => s.SlotsMw![i]))]
        : null;
}

/// <summary>One 30-minute meter reading: the slot's start and the kWh drawn from the grid (null = missing). Immutable.</summary>
/// <param name="Timestamp">The slot's start.</param>
/// <param name="Kwh">The energy drawn in the slot, or null when the meter has no value.</param>
internal sealed record DrMeterReading(DateTimeOffset Timestamp, double? Kwh);

/// <summary>Meter readings of one site as posted. Immutable.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="Site">The site (the operator's own id).</param>
/// <param name="Readings">The readings, ascending.</param>
internal sealed record DrMeterRecord(string Operator, string Site, IReadOnlyList<DrMeterReading> Readings);

/// <summary>
/// One entry of the demand-response journal (and audit log): a request posted, offers published, a commitment, meter
/// readings. Exactly one payload is set. Immutable.
/// </summary>
/// <param name="At">When.</param>
/// <param name="Actor">The key id.</param>
/// <param name="Kind"><c>request-posted</c>, <c>offers-published</c>, <c>committed</c>, <c>meter-posted</c>, <c>contract-signed</c> or <c>contract-ended</c>.</param>
/// <param name="Request">The request posted.</param>
/// <param name="Offers">The offers published (each replaces the operator's offer for the same site, start and direction).</param>
/// <param name="Commitment">The commitment.</param>
/// <param name="Meter">The readings posted.</param>
/// <param name="Contract">A contract signed (<c>contract-signed</c>) or ended (<c>contract-ended</c>).</param>
/// <param name="GridBattery">A grid-side battery contracted (<c>grid-battery-contracted</c>, decision 0197).</param>
internal sealed record DrEntry(DateTimeOffset At, string Actor, string Kind, DrRequestRecord? Request = null, IReadOnlyList<DrOfferRecord>? Offers = null,
    DrCommitmentRecord? Commitment = null, DrMeterRecord? Meter = null, DrContractRecord? Contract = null, DrGridBatteryRecord? GridBattery = null);

/// <summary>An audit line: who did what, without the payload's bulk. Immutable.</summary>
/// <param name="At">When.</param>
/// <param name="Actor">The key id.</param>
/// <param name="Kind">What (see <see cref="DrEntry.Kind"/>).</param>
/// <param name="Area">The area concerned, when one.</param>
/// <param name="Operator">The DC operator concerned, when one.</param>
/// <param name="Detail">In words.</param>
/// <param name="Aggregator">The aggregator concerned (its request, a commitment to it, its contract), when one.</param>
internal sealed record DrAuditLine(DateTimeOffset At, string Actor, string Kind, string? Area, string? Operator, string Detail, string? Aggregator = null);

/// <summary>A request with the commitments the caller may see and their total. Immutable.</summary>
/// <param name="Request">The request.</param>
/// <param name="CommittedMw">The commitments shown, summed per 30-minute slot: the largest slot.</param>
/// <param name="Commitments">All commitments (the area's grid operator) or the caller's own (a DC operator).</param>
/// <param name="CommittedSlotsMw">The commitments shown, summed per 30-minute slot of the window (decision 0200).</param>
internal sealed record DrRequestView(DrRequestRecord Request, double CommittedMw, IReadOnlyList<DrCommitmentRecord> Commitments, IReadOnlyList<double> CommittedSlotsMw);

/// <summary>What an operator's published offers can do for a request (not yet committed). Immutable.</summary>
/// <param name="Request">The request id.</param>
/// <param name="AvailableMw">The sum over the operator's sites in the area of what each offers over the whole window.</param>
/// <param name="Sites">What would be committed, cheapest first, up to the amount asked.</param>
/// <param name="Note">Why less than asked, or empty.</param>
internal sealed record DrAnswer(string Request, double AvailableMw, IReadOnlyList<DrSiteCommitmentRecord> Sites, string Note);

/// <summary>One slot of a site's delivery. Immutable.</summary>
/// <param name="Timestamp">The slot's start.</param>
/// <param name="BaselineKwh">The ERAB baseline (decision 0140).</param>
/// <param name="ActualKwh">The metered energy.</param>
/// <param name="DeliveredKwh">The change in the request's direction (baseline − actual for down, actual − baseline for up).</param>
/// <param name="CommittedKwh">The slot's committed MW over the slot.</param>
/// <param name="ShortfallKwh">Committed − credited.</param>
/// <param name="CreditedKwh">Delivered within [0, committed].</param>
internal sealed record DrSlotDelivery(DateTimeOffset Timestamp, double BaselineKwh, double ActualKwh, double DeliveredKwh, double CommittedKwh, double ShortfallKwh,
    double CreditedKwh);

/// <summary>One site's delivery against its commitment. Immutable.</summary>
/// <param name="Site">The site.</param>
/// <param name="CommittedMw">The commitment (its largest slot).</param>
/// <param name="Computable">Whether the baseline could be computed (meter data complete).</param>
/// <param name="CommittedKwh">Committed energy over the window.</param>
/// <param name="DeliveredKwh">Delivered energy over the window (can be negative: moved the wrong way); null when not computable.</param>
/// <param name="CreditedKwh">Delivered energy counted for payment: per slot between 0 and the commitment; null when not computable.</param>
/// <param name="ShortfallKwh">Committed minus credited; null when not computable.</param>
/// <param name="Why">Empty when delivered in full; else the reason (the missing slot, or which slots fell short).</param>
/// <param name="BaselineDays">The days the baseline used.</param>
/// <param name="AdjustmentKwh">The same-day adjustment added to every slot.</param>
/// <param name="Slots">Per slot.</param>
internal sealed record DrSiteDelivery(string Site, double CommittedMw, bool Computable, double CommittedKwh, double? DeliveredKwh, double? CreditedKwh, double? ShortfallKwh,
    string Why, IReadOnlyList<DateOnly> BaselineDays, double AdjustmentKwh, IReadOnlyList<DrSlotDelivery> Slots);

/// <summary>An operator's delivery and settlement for one request. Immutable.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="CommittedMw">Its commitment.</param>
/// <param name="CommittedKwh">Committed energy.</param>
/// <param name="CreditedKwh">Credited energy (every site computable), or null.</param>
/// <param name="ShortfallKwh">Committed minus credited, or null.</param>
/// <param name="AmountYen">Σ credited kWh × the site's price, or null while any site's baseline is not computable.</param>
/// <param name="Status"><c>settled</c>, or <c>not computable</c> (a site's meter data is incomplete: see the sites).</param>
/// <param name="Sites">Per site.</param>
internal sealed record DrOperatorSettlement(string Operator, double CommittedMw, double CommittedKwh, double? CreditedKwh, double? ShortfallKwh, double? AmountYen,
    string Status, IReadOnlyList<DrSiteDelivery> Sites);

/// <summary>A request's delivery and settlement (the operators the caller may see). Immutable.</summary>
/// <param name="Request">The request.</param>
/// <param name="CommittedMw">Total committed.</param>
/// <param name="CreditedKwh">Total credited over the settled operators.</param>
/// <param name="AmountYen">Total paid over the settled operators.</param>
/// <param name="Operators">Per operator.</param>
internal sealed record DrSettlementView(DrRequestRecord Request, double CommittedMw, double CreditedKwh, double AmountYen, IReadOnlyList<DrOperatorSettlement> Operators);
