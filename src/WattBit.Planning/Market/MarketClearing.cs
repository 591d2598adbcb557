using System.Globalization;
using Google.OrTools.LinearSolver;
using WattBit.Planning.Planner;

namespace WattBit.Planning.Market;

/// <summary>Settings of a clearing.</summary>
/// <param name="MipRelativeGap">The relative gap at which the solver may stop (0.0001 = 0.01 %).</param>
/// <param name="TimeLimit">The most time the integer solve may take; null for none.</param>
/// <param name="MipBackend">The OR-Tools MIP back end to try first (HIGHS, SCIP, CBC); null for the default order.</param>
/// <param name="Aggregate">
/// Solve the aggregated form (decision 0133: identical bids as one class, divisible flows to offer classes, blocks
/// rounded from the relaxation, the MIP only when that misses <paramref name="TargetGap"/>); false: the plain model.
/// </param>
/// <param name="TargetGap">The proven relative gap the aggregated form accepts without solving its MIP (0.01 = 1 %).</param>
/// <param name="Sold">
/// MW of an offer already sold in an hour by an earlier clearing (key: offer id and the hour's start), taken off the
/// offer's MW in that hour; null when nothing is sold yet (a market's first clearing, or the CLI).
/// </param>
/// <param name="BlocksPerOffer">
/// Aggregated form only: relax the indivisible blocks per (bid class, offer, start) as decision 0133 did, instead of per
/// (bid class, offer class, start) with the blocks then assigned to offers (decision 0136, the default: far fewer
/// variables, a bound no tighter).
/// </param>
public sealed record MarketClearingOptions(double MipRelativeGap = 1e-4, TimeSpan? TimeLimit = null, string? MipBackend = null,
    IReadOnlyDictionary<(string OfferId, DateTimeOffset Hour), double>? Sold = null, bool Aggregate = false, double TargetGap = 0.01, bool BlocksPerOffer = false)
{
    /// <summary>The MW of <paramref name="offer"/> still free in the hour starting at <paramref name="hour"/>.</summary>
    internal double Free(MarketOffer offer, DateTimeOffset hour) =>
        Sold is not null && Sold.TryGetValue((offer.Id, hour.ToUniversalTime()), out var sold) ? Math.Max(0, offer.Power.Megawatts - sold) : offer.Power.Megawatts;

    /// <summary>The defaults.</summary>
    public static MarketClearingOptions Default { get; } = new();
}

/// <summary>
/// Clears the processing market (formats.md section 7, decision 0130): maximises Σ (value − ask) × MWh within each
/// offer's MW per hour, each bid's window, hours, areas, tags and divisibility, and each area-hour's headroom, with
/// OR-Tools; indivisible bids are exact blocks (one offer, contiguous hours). Prices are the competitive area-hour
/// prices of the divisible relaxation, each matched row paid within [ask, value]. Stateless and thread-safe.
/// </summary>
public static class MarketClearing
{
    private const double Eps = 1e-6;
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>Clears <paramref name="bids"/> against <paramref name="offers"/> within <paramref name="headroom"/>.</summary>
    /// <exception cref="ArgumentException">Two offers or two bids share an id.</exception>
    /// <exception cref="InvalidOperationException">The solver failed.</exception>
    public static MarketClearingResult Clear(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids,
        MarketHeadroom? headroom = null, MarketClearingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(offers);
        ArgumentNullException.ThrowIfNull(bids);
        headroom ??= MarketHeadroom.None;
        options ??= MarketClearingOptions.Default;
        RequireUniqueIds(offers.Select(o => o.Id), "offer");
        RequireUniqueIds(bids.Select(b => b.Id), "bid");
        if (options.Aggregate)
        {
            return MarketAggregatedClearing.Clear(offers, bids, headroom, options);
        }

        var candidates = Candidates(offers, bids, headroom, options);

        // The divisible relaxation: an upper bound on welfare and the source of the area-hour prices.
        double lpWelfare;
        Dictionary<(string Area, DateTimeOffset Hour), double> prices;
        List<(int Bid, int Offer, DateTimeOffset Hour, double Mw)> flows = [];
        string backend;
        using (var lp = SolverFactory.CreateLinear("GLOP", out backend))
        {
            var model = Build(lp, offers, bids, headroom, candidates, integer: false, options);
            var status = lp.Solve();
            if (status != Solver.ResultStatus.OPTIMAL)
            {
                throw new InvalidOperationException($"The market's divisible relaxation did not solve ({status}).");
            }

            lpWelfare = lp.Objective().Value();
            prices = Prices(offers, bids, model);
            if (candidates.Blocks.Count == 0)
            {
                // Only divisible bids: the relaxation is the problem.
                flows = Flows(bids, model);
            }
        }

        double bound = lpWelfare;
        if (candidates.Blocks.Count > 0)
        {
            using var mip = SolverFactory.CreateMip(options.MipBackend, out backend);
            if (options.TimeLimit is { } limit)
            {
                mip.SetTimeLimit((long)limit.TotalMilliseconds);
            }

            var model = Build(mip, offers, bids, headroom, candidates, integer: true, options);
            using var parameters = new MPSolverParameters();
            parameters.SetDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, options.MipRelativeGap);
            var status = mip.Solve(parameters);
            if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
            {
                throw new InvalidOperationException($"The market clearing ({backend}) found no solution ({status}).");
            }

            flows = Flows(bids, model);
            bound = Math.Min(lpWelfare, mip.Objective().BestBound());
        }

        return Assemble(offers, bids, headroom, candidates, flows, prices, bound, backend, candidates.Blocks.Count == 0 ? "divisible LP" : "MIP");
    }

    /// <summary>Assembles matches, prices, settlement and reasons from a solution's flows.</summary>
    internal static MarketClearingResult Assemble(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, MarketHeadroom headroom,
        CandidateSet candidates, List<(int Bid, int Offer, DateTimeOffset Hour, double Mw)> flows,
        Dictionary<(string Area, DateTimeOffset Hour), double> prices, double bound, string backend, string method)
    {
        var matches = new List<MarketMatch>(flows.Count);
        foreach (var (b, o, t, mw) in flows.OrderBy(f => f.Bid).ThenBy(f => f.Offer).ThenBy(f => f.Hour))
        {
            var offer = offers[o];
            var bid = bids[b];
            var price = prices.TryGetValue((offer.Area.Code, t), out var p) ? p : offer.AskYenPerMwh;
            price = Math.Clamp(price, offer.AskYenPerMwh, bid.ValueYenPerMwh);
            matches.Add(new MarketMatch(bid.Id, offer.Id, offer.Site, offer.Area, t.ToOffset(offer.Window.Start.Offset), mw, price));
        }

        var offerIndex = offers.Select((o, i) => (o.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var bidIndex = bids.Select((b, i) => (b.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var welfare = matches.Sum(m => (bids[bidIndex[m.BidId]].ValueYenPerMwh - offers[offerIndex[m.OfferId]].AskYenPerMwh) * m.Mw);

        var served = new double[bids.Count];
        foreach (var m in matches)
        {
            served[bidIndex[m.BidId]] += m.Mw;
        }

        var unmatched = new List<UnmatchedBid>();
        for (var b = 0; b < bids.Count; b++)
        {
            if (served[b] < bids[b].MaxMwh - Eps)
            {
                unmatched.Add(new UnmatchedBid(bids[b].Id, served[b], served[b] > Eps
                    ? string.Create(CultureInfo.InvariantCulture, $"partly served ({served[b]:0.###} of {bids[b].MaxMwh:0.###} MWh): capacity and headroom went to bids with more welfare")
                    : Reason(offers, bids[b], headroom, candidates.HasAny(b))));
            }
        }

        var settlement = Settle(offers, bids, matches, offerIndex, bidIndex);
        var buyersPay = matches.Sum(m => bids[bidIndex[m.BidId]].ValueYenPerMwh * m.Mw);
        var sellersGet = matches.Sum(m => offers[offerIndex[m.OfferId]].AskYenPerMwh * m.Mw);
        var priceList = prices.Select(kv => new AreaHourPrice(Areas.JapanAreas.Get(kv.Key.Area), kv.Key.Hour.ToOffset(Time.Jst.Offset), kv.Value))
            .OrderBy(p => p.Area.Number).ThenBy(p => p.Hour).ToList();
        return new MarketClearingResult(matches, unmatched, welfare, Math.Max(bound, welfare), priceList, settlement,
            new PayAsBidComparison(buyersPay, sellersGet, buyersPay - sellersGet), backend, method);
    }

    /// <summary>
    /// A clearing's result rebuilt from its matches, unmatched bids, welfare, bound and prices (as solved elsewhere, for
    /// example by the cluster's market clearing grain): the settlement and the pay-as-bid comparison are computed from the
    /// book exactly as <see cref="Clear"/> computes them.
    /// </summary>
    /// <param name="offers">The book's offers.</param>
    /// <param name="bids">The book's bids.</param>
    /// <param name="matches">The matched rows.</param>
    /// <param name="unmatched">The bids not fully served.</param>
    /// <param name="welfareYen">Welfare, JPY.</param>
    /// <param name="upperBoundYen">Proven upper bound, JPY.</param>
    /// <param name="prices">The area-hour prices.</param>
    /// <param name="backend">The solver used.</param>
    /// <param name="method">How the matches were found.</param>
    /// <exception cref="ArgumentException">A match names an offer or bid not in the book.</exception>
    public static MarketClearingResult Rebuild(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, IReadOnlyList<MarketMatch> matches,
        IReadOnlyList<UnmatchedBid> unmatched, double welfareYen, double upperBoundYen, IReadOnlyList<AreaHourPrice> prices, string backend, string method)
    {
        ArgumentNullException.ThrowIfNull(offers);
        ArgumentNullException.ThrowIfNull(bids);
        ArgumentNullException.ThrowIfNull(matches);
        var offerIndex = offers.Select((o, i) => (o.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var bidIndex = bids.Select((b, i) => (b.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        foreach (var m in matches)
        {
            if (!offerIndex.ContainsKey(m.OfferId) || !bidIndex.ContainsKey(m.BidId))
            {
                throw new ArgumentException($"match {m.BidId} on {m.OfferId} names an offer or bid not in the book.", nameof(matches));
            }
        }

        var list = matches.ToList();
        var settlement = Settle(offers, bids, list, offerIndex, bidIndex);
        var buyersPay = list.Sum(m => bids[bidIndex[m.BidId]].ValueYenPerMwh * m.Mw);
        var sellersGet = list.Sum(m => offers[offerIndex[m.OfferId]].AskYenPerMwh * m.Mw);
        return new MarketClearingResult(list, unmatched, welfareYen, upperBoundYen, prices, settlement,
            new PayAsBidComparison(buyersPay, sellersGet, buyersPay - sellersGet), backend, method);
    }

    private static List<OperatorSettlement> Settle(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, List<MarketMatch> matches,
        Dictionary<string, int> offerIndex, Dictionary<string, int> bidIndex)
    {
        var totals = new SortedDictionary<string, double[]>(StringComparer.Ordinal);
        double[] Of(string op) => totals.TryGetValue(op, out var t) ? t : totals[op] = new double[5];
        foreach (var m in matches)
        {
            var bid = bids[bidIndex[m.BidId]];
            var offer = offers[offerIndex[m.OfferId]];
            var buyer = Of(bid.Operator);
            buyer[0] += m.Mw;
            buyer[1] += m.Yen;
            buyer[4] += (bid.ValueYenPerMwh - m.PriceYenPerMwh) * m.Mw;
            var seller = Of(offer.Operator);
            seller[2] += m.Mw;
            seller[3] += m.Yen;
            seller[4] += (m.PriceYenPerMwh - offer.AskYenPerMwh) * m.Mw;
        }

        return totals.Select(kv => new OperatorSettlement(kv.Key, kv.Value[0], kv.Value[1], kv.Value[2], kv.Value[3], kv.Value[4])).ToList();
    }

    private static string Reason(IReadOnlyList<MarketOffer> offers, MarketBid bid, MarketHeadroom headroom, bool hadCandidates)
    {
        var tagged = offers.Where(o => o.Provides(bid.Requires)).ToList();
        if (tagged.Count == 0)
        {
            return $"no offer carries its tags ({string.Join(';', bid.Requires.Order(StringComparer.Ordinal))})";
        }

        var placed = tagged.Where(o => bid.Allows(o.Area)).ToList();
        if (placed.Count == 0)
        {
            return "no offer with its tags is in its areas";
        }

        var timed = placed.Where(o => Fits(o, bid)).ToList();
        if (timed.Count == 0)
        {
            return bid.Divisible ? "no offer with its tags and areas is open in its window"
                : $"no offer with its tags and areas is open for a block of {bid.Hours} h in its window";
        }

        var sized = bid.Divisible ? timed : timed.Where(o => o.Power >= bid.Power).ToList();
        if (sized.Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"every offer that fits its window is smaller than its {bid.Power.Megawatts:0.###} MW");
        }

        var lowest = sized.Min(o => o.AskYenPerMwh);
        if (bid.ValueYenPerMwh <= lowest)
        {
            return string.Create(CultureInfo.InvariantCulture, $"value {bid.ValueYenPerMwh:0.##} below every ask (lowest {lowest:0.##} JPY/MWh)");
        }

        if (!hadCandidates)
        {
            return "over headroom: no area-hour it could use has room for it";
        }

        return "outbid: capacity and headroom went to bids with more welfare";
    }

    private static bool Fits(MarketOffer offer, MarketBid bid) =>
        offer.Window.Intersect(bid.Window) is { } w && (bid.Divisible ? w.Duration >= Hour : w.Duration.TotalHours >= bid.Hours);

    private static void RequireUniqueIds(IEnumerable<string> ids, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!seen.Add(id))
            {
                throw new ArgumentException($"Two {what}s have the id '{id}'.");
            }
        }
    }

    /// <summary>The variables a bid may use: divisible (bid, offer, hour) cells and indivisible (bid, offer, start) blocks.</summary>
    internal sealed class CandidateSet
    {
        public List<(int Bid, int Offer, DateTimeOffset Hour)> Cells { get; } = [];

        public List<(int Bid, int Offer, DateTimeOffset Start)> Blocks { get; } = [];

        public HashSet<int> BidsWithAny { get; } = [];

        public bool HasAny(int bid) => BidsWithAny.Contains(bid);
    }

    internal static CandidateSet Candidates(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, MarketHeadroom headroom,
        MarketClearingOptions? options = null)
    {
        options ??= MarketClearingOptions.Default;
        var set = new CandidateSet();
        for (var b = 0; b < bids.Count; b++)
        {
            var bid = bids[b];
            for (var o = 0; o < offers.Count; o++)
            {
                var offer = offers[o];
                if (bid.ValueYenPerMwh <= offer.AskYenPerMwh || !bid.Allows(offer.Area) || !offer.Provides(bid.Requires)
                    || offer.Window.Intersect(bid.Window) is not { } w || w.IsEmpty)
                {
                    continue;
                }

                if (bid.Divisible)
                {
                    for (var t = w.Start; t < w.End; t += Hour)
                    {
                        if ((headroom.Limit(offer.Area, t) is not { } h || h > Eps) && options.Free(offer, t) > Eps)
                        {
                            set.Cells.Add((b, o, t.ToUniversalTime()));
                            set.BidsWithAny.Add(b);
                        }
                    }
                }
                else if (offer.Power >= bid.Power)
                {
                    for (var s = w.Start; s + (bid.Hours * Hour) <= w.End; s += Hour)
                    {
                        var fits = true;
                        for (var k = 0; k < bid.Hours && fits; k++)
                        {
                            fits = (headroom.Limit(offer.Area, s + (k * Hour)) is not { } h || h >= bid.Power.Megawatts - Eps)
                                && options.Free(offer, s + (k * Hour)) >= bid.Power.Megawatts - Eps;
                        }

                        if (fits)
                        {
                            set.Blocks.Add((b, o, s.ToUniversalTime()));
                            set.BidsWithAny.Add(b);
                        }
                    }
                }
            }
        }

        return set;
    }

    /// <summary>A built model: its variables and the constraints whose duals make prices.</summary>
    internal sealed class BuiltModel
    {
        public List<((int Bid, int Offer, DateTimeOffset Hour) Key, Variable Var)> Cells { get; } = [];

        public List<((int Bid, int Offer, DateTimeOffset Start) Key, Variable Var)> Blocks { get; } = [];

        public Dictionary<(int Offer, DateTimeOffset Hour), Constraint> OfferCaps { get; } = [];

        public Dictionary<(string Area, DateTimeOffset Hour), Constraint> AreaCaps { get; } = [];
    }

    private static BuiltModel Build(Solver solver, IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, MarketHeadroom headroom,
        CandidateSet candidates, bool integer, MarketClearingOptions options)
    {
        var model = new BuiltModel();
        var objective = solver.Objective();
        objective.SetMaximization();
        var offerTerms = new Dictionary<(int, DateTimeOffset), List<(Variable, double)>>();
        var areaTerms = new Dictionary<(string, DateTimeOffset), List<(Variable, double)>>();
        var bidHourTerms = new Dictionary<(int, DateTimeOffset), List<Variable>>();
        var bidTerms = new Dictionary<int, List<Variable>>();

        void Touch(int o, DateTimeOffset t, Variable v, double coefficient)
        {
            Add(offerTerms, (o, t), (v, coefficient));
            if (headroom.Limit(offers[o].Area, t) is not null)
            {
                Add(areaTerms, (offers[o].Area.Code, t), (v, coefficient));
            }
        }

        foreach (var key in candidates.Cells)
        {
            var bid = bids[key.Bid];
            var v = solver.MakeNumVar(0, bid.Power.Megawatts, string.Empty);
            objective.SetCoefficient(v, bid.ValueYenPerMwh - offers[key.Offer].AskYenPerMwh);
            model.Cells.Add((key, v));
            Touch(key.Offer, key.Hour, v, 1);
            Add(bidHourTerms, (key.Bid, key.Hour), v);
            Add(bidTerms, key.Bid, v);
        }

        foreach (var key in candidates.Blocks)
        {
            var bid = bids[key.Bid];
            var v = integer ? solver.MakeBoolVar(string.Empty) : solver.MakeNumVar(0, 1, string.Empty);
            objective.SetCoefficient(v, (bid.ValueYenPerMwh - offers[key.Offer].AskYenPerMwh) * bid.MaxMwh);
            model.Blocks.Add((key, v));
            for (var k = 0; k < bid.Hours; k++)
            {
                Touch(key.Offer, key.Start + (k * Hour), v, bid.Power.Megawatts);
            }

            Add(bidTerms, key.Bid, v);
        }

        foreach (var ((b, _), vars) in bidHourTerms.Where(kv => kv.Value.Count > 1))
        {
            var c = solver.MakeConstraint(double.NegativeInfinity, bids[b].Power.Megawatts);
            vars.ForEach(v => c.SetCoefficient(v, 1));
        }

        foreach (var (b, vars) in bidTerms)
        {
            var c = solver.MakeConstraint(double.NegativeInfinity, bids[b].Divisible ? bids[b].MaxMwh : 1);
            vars.ForEach(v => c.SetCoefficient(v, 1));
        }

        foreach (var ((o, t), terms) in offerTerms)
        {
            var c = solver.MakeConstraint(double.NegativeInfinity, options.Free(offers[o], t));
            terms.ForEach(x => c.SetCoefficient(x.Item1, x.Item2));
            model.OfferCaps[(o, t)] = c;
        }

        foreach (var ((area, t), terms) in areaTerms)
        {
            var c = solver.MakeConstraint(double.NegativeInfinity, headroom.Limit(Areas.JapanAreas.Get(area), t)!.Value);
            terms.ForEach(x => c.SetCoefficient(x.Item1, x.Item2));
            model.AreaCaps[(area, t)] = c;
        }

        return model;
    }

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    /// <summary>
    /// The competitive price of each area-hour where the relaxation matched anything: the lowest ask plus capacity
    /// rent among the offers it used there, plus the area-hour's headroom rent (decision 0131).
    /// </summary>
    private static Dictionary<(string Area, DateTimeOffset Hour), double> Prices(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, BuiltModel model)
    {
        var used = new Dictionary<(int Offer, DateTimeOffset Hour), bool>();
        foreach (var ((_, o, t), v) in model.Cells)
        {
            if (v.SolutionValue() > Eps)
            {
                used[(o, t)] = true;
            }
        }

        foreach (var ((b, o, s), v) in model.Blocks)
        {
            if (v.SolutionValue() > Eps)
            {
                for (var k = 0; k < bids[b].Hours; k++)
                {
                    used[(o, s + (k * Hour))] = true;
                }
            }
        }

        return PricesOf(offers, used.Keys, model.OfferCaps, model.AreaCaps);
    }

    /// <summary>
    /// The rule of decision 0131 from a solved relaxation: per area-hour, the lowest ask + capacity rent (the offer-hour
    /// row's dual) among the offer-hours <paramref name="used"/>, plus the area-hour's headroom rent.
    /// </summary>
    internal static Dictionary<(string Area, DateTimeOffset Hour), double> PricesOf(IReadOnlyList<MarketOffer> offers, IEnumerable<(int Offer, DateTimeOffset Hour)> used,
        IReadOnlyDictionary<(int Offer, DateTimeOffset Hour), Constraint> offerCaps, IReadOnlyDictionary<(string Area, DateTimeOffset Hour), Constraint> areaCaps)
    {
        var prices = new Dictionary<(string, DateTimeOffset), double>();
        foreach (var (o, t) in used)
        {
            var price = offers[o].AskYenPerMwh + Math.Abs(offerCaps[(o, t)].DualValue());
            var key = (offers[o].Area.Code, t);
            prices[key] = prices.TryGetValue(key, out var p) ? Math.Min(p, price) : price;
        }

        foreach (var key in prices.Keys.ToList())
        {
            if (areaCaps.TryGetValue(key, out var c))
            {
                prices[key] += Math.Abs(c.DualValue());
            }
        }

        return prices;
    }

    private static List<(int Bid, int Offer, DateTimeOffset Hour, double Mw)> Flows(IReadOnlyList<MarketBid> bids, BuiltModel model)
    {
        var flows = new List<(int, int, DateTimeOffset, double)>();
        foreach (var ((b, o, t), v) in model.Cells)
        {
            var mw = Math.Round(v.SolutionValue(), 6);
            if (mw > Eps)
            {
                flows.Add((b, o, t, mw));
            }
        }

        foreach (var ((b, o, s), v) in model.Blocks)
        {
            if (v.SolutionValue() > 0.5)
            {
                for (var k = 0; k < bids[b].Hours; k++)
                {
                    flows.Add((b, o, s + (k * Hour), bids[b].Power.Megawatts));
                }
            }
        }

        return flows;
    }
}
