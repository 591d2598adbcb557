using System.Globalization;
using WattBit.Formats;
using WattBit.Planning.Flexibility;
using WattBit.Server.Infrastructure;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Server.DemandResponse;

/// <summary>
/// Demand response on the server (issue 19, decision 0143): area-wide requests posted by grid operators, day-ahead
/// flexibility offers published by DC operators, commitments answered from those offers, metered readings, and the
/// delivery and settlement computed from them. State lives in memory and in the journal <c>dr</c> (a JSON-lines file
/// beside the server's journal, or the shared stream on PostgreSQL), replayed at start-up; that journal is also the
/// audit log. Every write whose validity depends on the state (an id taken, a commitment already made, a meter slot
/// already stored) is decided on an up-to-date view under the journal's lock, so two instances cannot both make it.
/// Thread-safe.
/// </summary>
internal sealed class DrBook : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DrRequestRecord> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Operator, string Site, DateTimeOffset Start, FlexDirection Direction), DrOfferRecord> _offers = [];
    private readonly Dictionary<(string Request, string Operator), DrCommitmentRecord> _commitments = [];
    private readonly Dictionary<(string Operator, string Site), SortedDictionary<DateTimeOffset, double?>> _meters = [];
    private readonly Dictionary<(string Operator, string Site), DrContractRecord> _contracts = [];
    private readonly Dictionary<(string Operator, string Site, string Battery), DrGridBatteryRecord> _gridBatteries = [];
    private readonly List<DrAuditLine> _audit = [];
    private readonly IJournal<DrEntry> _journal;

    public DrBook(Journals journals) => _journal = journals.Open<DrEntry>("dr", Apply);

    /// <summary>What opening the journal recovered (a torn tail cut off), or null.</summary>
    public string? Recovery => _journal.Recovery;

    /// <summary>Stores a validated request; false when its id is taken (nothing stored).</summary>
    public async Task<bool> PostRequestAsync(string actor, DrRequestRecord request, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        return await _journal.AppendAsync(() =>
        {
            lock (_lock)
            {
                return _requests.ContainsKey(request.Id) ? null : new DrEntry(now, actor, "request-posted", Request: request);
            }
        }, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Publishes validated offers (each replaces the operator's offer for the same site, start and direction).</summary>
    public Task PublishOffersAsync(string actor, IReadOnlyList<DrOfferRecord> offers, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _journal.AppendAsync(new DrEntry(now, actor, "offers-published", Offers: offers), cancellationToken);

    /// <summary>Stores a commitment; false when the operator has already committed to the request (nothing stored).</summary>
    public async Task<bool> CommitAsync(string actor, DrCommitmentRecord commitment, CancellationToken cancellationToken = default)
    {
        return await _journal.AppendAsync(() =>
        {
            lock (_lock)
            {
                return _commitments.ContainsKey((commitment.Request, commitment.Operator))
                    ? null
                    : new DrEntry(commitment.CommittedAt, actor, "committed", Commitment: commitment);
            }
        }, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>
    /// Stores validated readings of a site. A slot already stored with the same value is accepted again; with another
    /// value the whole post is refused and the first such slot returned (nothing stored).
    /// </summary>
    public async Task<DateTimeOffset?> PostMeterAsync(string actor, DrMeterRecord meter, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        DateTimeOffset? clash = null;
        await _journal.AppendAsync(() =>
        {
            lock (_lock)
            {
                clash = null;
                if (_meters.TryGetValue((meter.Operator, meter.Site), out var stored))
                {
                    foreach (var r in meter.Readings)
                    {
                        if (stored.TryGetValue(r.Timestamp.ToUniversalTime(), out var v) && v != r.Kwh)
                        {
                            clash = r.Timestamp;
                            return null;
                        }
                    }
                }

                return new DrEntry(now, actor, "meter-posted", Meter: meter);
            }
        }, cancellationToken).ConfigureAwait(false);
        return clash;
    }

    /// <summary>
    /// Stores a contract between a DC operator's site and an aggregator. Returns the site's contract after the call: the
    /// one given when stored (or when the same contract was already there), or the site's existing contract with
    /// another aggregator (nothing stored).
    /// </summary>
    public async Task<DrContractRecord> SignContractAsync(string actor, DrContractRecord contract, CancellationToken cancellationToken = default)
    {
        DrContractRecord result = contract;
        await _journal.AppendAsync(() =>
        {
            lock (_lock)
            {
                if (_contracts.TryGetValue((contract.Operator, contract.Site), out var existing))
                {
                    result = existing;
                    return null;
                }

                result = contract;
                return new DrEntry(contract.Since, actor, "contract-signed", Contract: contract);
            }
        }, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Ends the site's contract with <paramref name="aggregator"/>; false when there is none (nothing stored).</summary>
    public async Task<bool> EndContractAsync(string actor, string aggregator, string op, string site, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        return await _journal.AppendAsync(() =>
        {
            lock (_lock)
            {
                return _contracts.TryGetValue((op, site), out var c) && c.Aggregator == aggregator
                    ? new DrEntry(now, actor, "contract-ended", Contract: c with { Since = now, SignedBy = actor })
                    : null;
            }
        }, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Stores a grid-side battery contract (decision 0197); false when the site already has one with that battery id (nothing stored).</summary>
    public async Task<bool> ContractGridBatteryAsync(string actor, DrGridBatteryRecord contract, CancellationToken cancellationToken = default)
    {
        return await _journal.AppendAsync(() =>
        {
            lock (_lock)
            {
                return _gridBatteries.ContainsKey((contract.Operator, contract.Site, contract.Battery))
                    ? null
                    : new DrEntry(contract.ContractedAt, actor, "grid-battery-contracted", GridBattery: contract);
            }
        }, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>The grid-side battery contracts the predicate admits, by operator, site and battery.</summary>
    public async Task<List<DrGridBatteryRecord>> GridBatteriesAsync(Func<DrGridBatteryRecord, bool> visible, CancellationToken cancellationToken = default)
    {
        await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _gridBatteries.Values.Where(visible).OrderBy(c => c.Operator, StringComparer.Ordinal).ThenBy(c => c.Site, StringComparer.Ordinal)
                .ThenBy(c => c.Battery, StringComparer.Ordinal)];
        }
    }

    /// <summary>The contracts the predicate admits, by aggregator, operator and site.</summary>
    public async Task<List<DrContractRecord>> ContractsAsync(Func<DrContractRecord, bool> visible, CancellationToken cancellationToken = default)
    {
        await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _contracts.Values.Where(visible).OrderBy(c => c.Aggregator, StringComparer.Ordinal).ThenBy(c => c.Operator, StringComparer.Ordinal)
                .ThenBy(c => c.Site, StringComparer.Ordinal)];
        }
    }

    /// <summary>One request, or null.</summary>
    public async Task<DrRequestRecord?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return _requests.GetValueOrDefault(id);
        }
    }

    /// <summary>The requests the predicate admits, by start then id.</summary>
    public async Task<List<DrRequestRecord>> RequestsAsync(Func<DrRequestRecord, bool> visible, CancellationToken cancellationToken = default)
    {
        await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _requests.Values.Where(visible).OrderBy(r => r.Start).ThenBy(r => r.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>The commitments to a request, by operator.</summary>
    public async Task<List<DrCommitmentRecord>> CommitmentsAsync(string request, CancellationToken cancellationToken = default)
    {
        await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _commitments.Values.Where(c => c.Request == request).OrderBy(c => c.Operator, StringComparer.Ordinal)];
        }
    }

    /// <summary>The published offers the predicate admits, by operator, site, start and direction.</summary>
    public async Task<List<DrOfferRecord>> OffersAsync(Func<DrOfferRecord, bool> visible, CancellationToken cancellationToken = default)
    {
        await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _offers.Values.Where(visible).OrderBy(o => o.Operator, StringComparer.Ordinal).ThenBy(o => o.Site, StringComparer.Ordinal)
                .ThenBy(o => o.Start).ThenBy(o => o.Direction)];
        }
    }

    /// <summary>The audit lines the predicate admits, oldest first (at most the last <paramref name="limit"/>).</summary>
    public async Task<List<DrAuditLine>> AuditAsync(Func<DrAuditLine, bool> visible, int limit, CancellationToken cancellationToken = default)
    {
        await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var lines = _audit.Where(visible).ToList();
            return lines.Count > limit ? lines[^limit..] : lines;
        }
    }

    /// <summary>
    /// What <paramref name="op"/>'s published offers can do for <paramref name="request"/>, per 30-minute slot (decision
    /// 0200): in each slot, each of its sites in the area offers its largest published offer in the request's direction
    /// that covers the slot's hour with a notice the request gives (none: 0 in that slot); then
    /// <see cref="AreaRequests.AnswerBySlot"/> takes the sites cheapest first, slot by slot, up to the amount asked. Each
    /// site's answer carries its profile and the highest price of the offers it commits from.
    /// </summary>
    public async Task<DrAnswer> AnswerAsync(DrRequestRecord request, string op, CancellationToken cancellationToken = default)
    {
        var offers = (await OffersAsync(o => o.Operator == op && o.Area == request.Area && o.Direction == request.Direction && request.Addresses(op, o.Site),
                cancellationToken).ConfigureAwait(false))
            .Select(o => new FlexibilityOffer(new SiteId(o.Site), o.Area, new TimeWindow(o.Start, o.End), o.Direction, Power.FromMegawatts(o.Mw), Power.Zero, Power.Zero,
                TimeSpan.FromMinutes(o.NoticeMinutes), EnergyPrice.FromYenPerKilowattHour(o.PriceYenPerKwh)))
            .ToList();
        var window = new TimeWindow(request.Start, request.End);
        var answer = AreaRequests.AnswerBySlot(new AreaRequest(request.Id, request.Area, request.Direction, Power.FromMegawatts(request.Mw), window, request.IssuedAt), offers);
        var note = answer.Note.Length == 0 ? "" : "your published offers: " + answer.Note;
        return new DrAnswer(request.Id, answer.Available.Megawatts,
            [.. answer.Commitments.Select(c => new DrSiteCommitmentRecord(c.Site.Value, c.Power.Megawatts, c.Price.YenPerKilowattHour,
                [.. c.ProfileOver(window).Slots.Select(p => p.Megawatts)]))], note);
    }

    /// <summary>
    /// The delivery and settlement of one operator's commitment: per site, the ERAB baseline (decision 0140, public
    /// holidays from <see cref="Forecasting.Calendar.JapaneseCalendar"/>, the operator's earlier committed request days excluded from the
    /// pool) against the metered readings, per slot of the window; credited = per slot between 0 and the commitment;
    /// paid = credited × the site's price. A site whose baseline cannot be computed (missing readings) leaves the
    /// operator's amount unset with the reason, never zero.
    /// </summary>
    public DrOperatorSettlement Settle(DrRequestRecord request, DrCommitmentRecord commitment)
    {
        var window = new TimeWindow(request.Start, request.End);
        var day = DateOnly.FromDateTime(request.Start.ToOffset(Jst.Offset).DateTime);
        var excluded = new HashSet<DateOnly>();
        Dictionary<string, List<(DateTimeOffset, double)>> meters;
        lock (_lock)
        {
            foreach (var c in _commitments.Values.Where(c => c.Operator == commitment.Operator && c.Request != request.Id))
            {
                if (_requests.GetValueOrDefault(c.Request) is { } other)
                {
                    var d = DateOnly.FromDateTime(other.Start.ToOffset(Jst.Offset).DateTime);
                    if (d < day)
                    {
                        excluded.Add(d);
                    }
                }
            }

            meters = commitment.Sites.ToDictionary(s => s.Site, s => _meters.TryGetValue((commitment.Operator, s.Site), out var m)
                ? m.Select(kv => (kv.Key.ToOffset(Jst.Offset), kv.Value ?? double.NaN)).ToList()
                : [], StringComparer.Ordinal);
        }

        var sites = new List<DrSiteDelivery>();
        foreach (var c in commitment.Sites)
        {
            sites.Add(SiteDelivery(request, c, window, meters[c.Site], excluded));
        }

        var committedKwh = sites.Sum(s => s.CommittedKwh);
        if (sites.Any(s => !s.Computable))
        {
            return new DrOperatorSettlement(commitment.Operator, commitment.Mw, committedKwh, null, null, null, "not computable", sites);
        }

        var credited = sites.Sum(s => s.CreditedKwh!.Value);
        var amount = sites.Zip(commitment.Sites).Sum(p => p.First.CreditedKwh!.Value * p.Second.PriceYenPerKwh);
        return new DrOperatorSettlement(commitment.Operator, commitment.Mw, committedKwh, credited, committedKwh - credited, amount, "settled", sites);
    }

    private static DrSiteDelivery SiteDelivery(DrRequestRecord request, DrSiteCommitmentRecord c, TimeWindow window, List<(DateTimeOffset, double)> slots,
        HashSet<DateOnly> excluded)
    {
        var profile = c.ProfileOver(window);
        var committedKwh = profile.Energy.KilowattHours;
        if (slots.Count == 0)
        {
            return new DrSiteDelivery(c.Site, c.Mw, false, committedKwh, null, null, null, $"no meter readings posted for site '{c.Site}'.", [], 0, []);
        }

        var readings = MeterCsv.FromSlots($"meter readings of site '{c.Site}'", slots);
        var result = DrBaseline.Compute(readings, window, Forecasting.Calendar.JapaneseCalendar.IsHoliday, excluded);
        if (!result.IsComputable)
        {
            return new DrSiteDelivery(c.Site, c.Mw, false, committedKwh, null, null, null, "baseline not computable: " + result.Reason, [], 0, []);
        }

        var credit = DrCredit.Settle(result, request.Direction, profile);
        var rows = credit.Slots.Select(s => new DrSlotDelivery(s.Start, s.Baseline.KilowattHours, s.Actual.KilowattHours, s.Delivered.KilowattHours,
            s.Committed.KilowattHours, s.Shortfall.KilowattHours, s.Credited.KilowattHours)).ToList();
        var shortSlots = rows.Where(r => r.ShortfallKwh > 1e-6)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Timestamp.ToOffset(Jst.Offset):HH:mm} {r.DeliveredKwh:0.###} of {r.CommittedKwh:0.###} kWh")).ToList();
        var why = shortSlots.Count == 0 ? ""
            : $"delivered less than committed ({(request.Direction == FlexDirection.Down ? "baseline − actual" : "actual − baseline")}) in " + string.Join(", ", shortSlots) + ".";
        return new DrSiteDelivery(c.Site, c.Mw, true, committedKwh, credit.Delivered.KilowattHours, credit.Credited.KilowattHours, credit.Shortfall.KilowattHours, why,
            result.UsedDays, result.Adjustment.KilowattHours, rows);
    }

    public void Dispose() => _journal.Dispose();

    private void Apply(DrEntry e)
    {
        lock (_lock)
        {
            if (e.Request is { } r)
            {
                _requests[r.Id] = r;
                _audit.Add(new DrAuditLine(e.At, e.Actor, e.Kind, r.Area, null,
                    string.Create(CultureInfo.InvariantCulture, $"request {r.Id}: {r.Direction} {r.Mw:0.###} MW over [{r.Start:O}, {r.End:O})")
                    + (r.Sites is { } addressed ? $" to {addressed.Count} contracted sites" : ""), r.Aggregator));
            }

            foreach (var o in e.Offers ?? [])
            {
                _offers[(o.Operator, o.Site, o.Start.ToUniversalTime(), o.Direction)] = o;
            }

            if (e.Offers is { Count: > 0 } offers)
            {
                foreach (var g in offers.GroupBy(o => (o.Operator, o.Area)))
                {
                    _audit.Add(new DrAuditLine(e.At, e.Actor, e.Kind, g.Key.Area, g.Key.Operator, $"{g.Count()} offers at {g.Select(o => o.Site).Distinct().Count()} sites"));
                }
            }

            if (e.Commitment is { } c)
            {
                _commitments[(c.Request, c.Operator)] = c;
                var request = _requests.GetValueOrDefault(c.Request);
                _audit.Add(new DrAuditLine(e.At, e.Actor, e.Kind, request?.Area, c.Operator,
                    string.Create(CultureInfo.InvariantCulture, $"request {c.Request}: {c.Mw:0.###} MW committed at {c.Sites.Count} sites"), request?.Aggregator));
            }

            if (e.Contract is { } k)
            {
                if (e.Kind == "contract-ended")
                {
                    _contracts.Remove((k.Operator, k.Site));
                }
                else
                {
                    _contracts[(k.Operator, k.Site)] = k;
                }

                _audit.Add(new DrAuditLine(e.At, e.Actor, e.Kind, k.Area, k.Operator,
                    $"site {k.Site} {(e.Kind == "contract-ended" ? "leaves" : "contracted with")} aggregator {k.Aggregator}", k.Aggregator));
            }

            if (e.GridBattery is { } gb)
            {
                _gridBatteries[(gb.Operator, gb.Site, gb.Battery)] = gb;
                _audit.Add(new DrAuditLine(e.At, e.Actor, e.Kind, gb.Area, gb.Operator,
                    string.Create(CultureInfo.InvariantCulture, $"site {gb.Site} contracts battery {gb.Battery} at {gb.Substation}: {gb.Mw:0.###} MW, headroom {gb.WithoutMw:0.###} -> {gb.WithMw:0.###} MW")));
            }

            if (e.Meter is { } m)
            {
                var stored = _meters.TryGetValue((m.Operator, m.Site), out var s) ? s : _meters[(m.Operator, m.Site)] = [];
                foreach (var reading in m.Readings)
                {
                    stored[reading.Timestamp.ToUniversalTime()] = reading.Kwh;
                }

                _audit.Add(new DrAuditLine(e.At, e.Actor, e.Kind, null, m.Operator, $"{m.Readings.Count} readings of site {m.Site}"));
            }
        }
    }
}
