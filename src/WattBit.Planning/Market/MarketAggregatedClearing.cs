using System.Diagnostics;
using Google.OrTools.LinearSolver;
using WattBit.Planning.Planner;

namespace WattBit.Planning.Market;

/// <summary>
/// The clearing at scale (decision 0133): the same problem as <see cref="MarketClearing"/>, in a smaller but exact form.
/// <list type="bullet">
/// <item>Identical bids (everything equal but id and operator) are one bid class of k members: k divisible bids of
/// m MW × h hours are one of k·m MW × h hours (exact: an aggregate flow split k ways is feasible for each), k indivisible
/// bids are an integer count 0..k of blocks per offer and start.</item>
/// <item>A divisible flow goes to an offer class (area and tag set) per hour, not to an offer: welfare Σ value × MWh −
/// Σ ask × MWh separates, so the class's offers are filled by the solver from their own variables (merit order), and the
/// flows are mapped back bid by offer assortatively (highest value to lowest ask), which keeps every row's value above
/// its ask at the optimum.</item>
/// </list>
/// The LP relaxation is the proven bound and gives the prices (decision 0131). Indivisible counts are rounded down and
/// the divisible part is solved again around them; when that misses the target gap, the integer model is solved with
/// the time left and the better answer kept. Stateless and thread-safe.
/// </summary>
internal static class MarketAggregatedClearing
{
    private const double Eps = 1e-6;
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private sealed record BidClass(int First, List<int> Members)
    {
        public int K => Members.Count;
    }

    private sealed class Model
    {
        public Dictionary<(int Class, int OfferClass, DateTimeOffset Hour), Variable> Flow { get; } = [];

        public Dictionary<(int Offer, DateTimeOffset Hour), Variable> Supply { get; } = [];

        public Dictionary<(int Class, int Offer, DateTimeOffset Start), Variable> Blocks { get; } = [];

        public Dictionary<(int Class, int OfferClass, DateTimeOffset Start), Variable> ClassBlocks { get; } = [];

        public Dictionary<(int Offer, DateTimeOffset Hour), Constraint> OfferCaps { get; } = [];

        public Dictionary<(string Area, DateTimeOffset Hour), Constraint> AreaCaps { get; } = [];
    }

    public static MarketClearingResult Clear(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, MarketHeadroom headroom, MarketClearingOptions options)
    {
        var clock = Stopwatch.StartNew();
        var classes = BidClasses(bids);
        var offerClassOf = new int[offers.Count];
        var offerClasses = new List<List<int>>();
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        // Offers every bid treats alike are one class (decision 0136): the same answer to every distinct (areas, tags
        // needed) of the bids. Each offer keeps its own supply variable, MW and area-hour headroom, so merging offers of
        // different areas or tag sets that no bid tells apart is exact for divisible flows.
        var needs = new List<MarketBid>();
        var seenNeeds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bid in bids)
        {
            if (seenNeeds.Add((bid.Areas is null ? "*" : string.Join(';', bid.Areas.Select(a => a.Code).Order(StringComparer.Ordinal))) + "|"
                + string.Join(';', bid.Requires.Order(StringComparer.Ordinal))))
            {
                needs.Add(bid);
            }
        }

        for (var o = 0; o < offers.Count; o++)
        {
            var key = string.Concat(needs.Select(b => b.Allows(offers[o].Area) && offers[o].Provides(b.Requires) ? '1' : '0'));
            if (!classIndex.TryGetValue(key, out var c))
            {
                classIndex[key] = c = offerClasses.Count;
                offerClasses.Add([]);
            }

            offerClassOf[o] = c;
            offerClasses[c].Add(o);
        }

        // Open hours of each offer, and each class's cheapest ask per hour (to skip flows no bid could gain from).
        var open = new Dictionary<(int Class, DateTimeOffset Hour), double>();
        for (var o = 0; o < offers.Count; o++)
        {
            for (var t = offers[o].Window.Start.ToUniversalTime(); t < offers[o].Window.End; t += Hour)
            {
                if (options.Free(offers[o], t) > Eps && (headroom.Limit(offers[o].Area, t) is not { } h || h > Eps))
                {
                    var key = (offerClassOf[o], t);
                    open[key] = open.TryGetValue(key, out var a) ? Math.Min(a, offers[o].AskYenPerMwh) : offers[o].AskYenPerMwh;
                }
            }
        }

        double lpBound;
        Dictionary<(string, DateTimeOffset), double> prices;
        Dictionary<(int Class, int Offer, DateTimeOffset Start), double> lpBlocks = [];
        Dictionary<(int Class, int OfferClass, DateTimeOffset Start), double> lpClassBlocks = [];
        List<(int Bid, int Offer, DateTimeOffset Hour, double Mw)> flows;
        var withAny = new HashSet<int>();
        string backend;
        using (var lp = SolverFactory.CreateLinear("GLOP", out backend))
        {
            var model = Build(lp, offers, bids, headroom, options, classes, offerClasses, offerClassOf, open, integer: false, fixedBlocks: null, withAny, options.BlocksPerOffer);
            Solve(lp, "divisible relaxation");
            lpBound = lp.Objective().Value();
            prices = Prices(offers, bids, classes, model);
            foreach (var (key, v) in model.Blocks)
            {
                if (v.SolutionValue() > Eps)
                {
                    lpBlocks[key] = v.SolutionValue();
                }
            }

            foreach (var (key, v) in model.ClassBlocks)
            {
                if (v.SolutionValue() > Eps)
                {
                    lpClassBlocks[key] = v.SolutionValue();
                }
            }

            flows = Flows(offers, bids, classes, offerClasses, model, []);
        }

        var method = "aggregated LP";
        if (lpBlocks.Count > 0 || lpClassBlocks.Count > 0)
        {
            // Round the block counts down (always feasible) and place the divisible work again around them; blocks
            // relaxed to offer classes are first assigned to the class's offers (decision 0136).
            Dictionary<(int Class, int Offer, DateTimeOffset Start), int> rounded;
            if (lpClassBlocks.Count > 0)
            {
                rounded = Assign(offers, bids, headroom, options, classes, offerClasses, lpClassBlocks);
            }
            else
            {
                rounded = lpBlocks.Where(kv => Math.Floor(kv.Value + 1e-7) >= 1).ToDictionary(kv => kv.Key, kv => (int)Math.Floor(kv.Value + 1e-7));
                Repair(offers, bids, headroom, options, classes, lpBlocks, rounded);
            }

            using var again = SolverFactory.CreateLinear("GLOP", out backend);
            var model = Build(again, offers, bids, headroom, options, classes, offerClasses, offerClassOf, open, integer: false, fixedBlocks: rounded, []);
            Solve(again, "divisible part around the rounded blocks");
            flows = Flows(offers, bids, classes, offerClasses, model, rounded);
            method = lpClassBlocks.Count > 0 ? "aggregated LP, blocks by offer class, assigned to offers" : "aggregated LP, blocks rounded and repaired";
            var welfare = Welfare(offers, bids, flows);
            var left = options.TimeLimit is { } limit ? limit - clock.Elapsed : (TimeSpan?)null;
            if (lpBound > Eps && (lpBound - welfare) / lpBound > options.TargetGap && left is not { TotalSeconds: < 1 })
            {
                using var mip = SolverFactory.CreateMip(options.MipBackend, out var mipBackend);
                if (left is { } l)
                {
                    mip.SetTimeLimit((long)l.TotalMilliseconds);
                }

                var mipModel = Build(mip, offers, bids, headroom, options, classes, offerClasses, offerClassOf, open, integer: true, fixedBlocks: null, []);
                using var parameters = new MPSolverParameters();
                parameters.SetDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, options.TargetGap);
                var status = mip.Solve(parameters);
                if (status is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE)
                {
                    var blocks = mipModel.Blocks.Where(kv => kv.Value.SolutionValue() > 0.5).ToDictionary(kv => kv.Key, kv => (int)Math.Round(kv.Value.SolutionValue()));
                    var mipFlows = Flows(offers, bids, classes, offerClasses, mipModel, blocks, fromSolution: true);
                    if (Welfare(offers, bids, mipFlows) > welfare)
                    {
                        (flows, method, backend) = (mipFlows, "aggregated MIP", mipBackend);
                    }

                    // The aggregated MIP is the problem itself (identical bids counted), so its bound holds for it.
                    lpBound = Math.Min(lpBound, mip.Objective().BestBound());
                }
            }
        }

        var candidates = new MarketClearing.CandidateSet();
        foreach (var b in withAny)
        {
            candidates.BidsWithAny.Add(b);
        }

        return MarketClearing.Assemble(offers, bids, headroom, candidates, flows, prices, lpBound, backend, method);
    }

    /// <summary>
    /// Adds back, greedily by welfare per MWh, the blocks the rounding dropped while they still fit the offer's free MW
    /// and the area's headroom next to the blocks already kept (the divisible work is placed around them afterwards).
    /// </summary>
    private static void Repair(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, MarketHeadroom headroom, MarketClearingOptions options,
        List<BidClass> classes, Dictionary<(int Class, int Offer, DateTimeOffset Start), double> lp, Dictionary<(int Class, int Offer, DateTimeOffset Start), int> kept)
    {
        var offerUsed = new Dictionary<(int, DateTimeOffset), double>();
        var areaUsed = new Dictionary<(string, DateTimeOffset), double>();
        var classUsed = new Dictionary<int, int>();
        void Take((int Class, int Offer, DateTimeOffset Start) key, int n)
        {
            var bid = bids[classes[key.Class].First];
            classUsed[key.Class] = classUsed.GetValueOrDefault(key.Class) + n;
            for (var k = 0; k < bid.Hours; k++)
            {
                var t = key.Start + (k * Hour);
                offerUsed[(key.Offer, t)] = offerUsed.GetValueOrDefault((key.Offer, t)) + (n * bid.Power.Megawatts);
                areaUsed[(offers[key.Offer].Area.Code, t)] = areaUsed.GetValueOrDefault((offers[key.Offer].Area.Code, t)) + (n * bid.Power.Megawatts);
            }
        }

        foreach (var (key, n) in kept)
        {
            Take(key, n);
        }

        var order = lp.Keys.OrderByDescending(k => bids[classes[k.Class].First].ValueYenPerMwh - offers[k.Offer].AskYenPerMwh)
            .ThenByDescending(k => lp[k] - Math.Floor(lp[k] + 1e-7)).ThenBy(k => k.Class).ThenBy(k => k.Offer).ThenBy(k => k.Start).ToList();
        foreach (var key in order)
        {
            var bid = bids[classes[key.Class].First];
            var offer = offers[key.Offer];
            while (classUsed.GetValueOrDefault(key.Class) < classes[key.Class].K)
            {
                var fits = true;
                for (var k = 0; k < bid.Hours && fits; k++)
                {
                    var t = key.Start + (k * Hour);
                    fits = options.Free(offer, t) - offerUsed.GetValueOrDefault((key.Offer, t)) >= bid.Power.Megawatts - Eps
                        && (headroom.Limit(offer.Area, t) is not { } h || h - areaUsed.GetValueOrDefault((offer.Area.Code, t)) >= bid.Power.Megawatts - Eps);
                }

                if (!fits)
                {
                    break;
                }

                kept[key] = kept.GetValueOrDefault(key) + 1;
                Take(key, 1);
            }
        }
    }

    /// <summary>
    /// Turns blocks relaxed to offer classes into blocks on offers (decision 0136): first the whole blocks of each
    /// (class, offer class, start), then one more for each fractional remainder, by the bid's value, highest first; each
    /// on the cheapest offer of the class that holds it at every hour (its free MW and the area's headroom next to the
    /// blocks already placed), at the relaxation's start or else the nearest start in the bid's window that fits.
    /// </summary>
    private static Dictionary<(int Class, int Offer, DateTimeOffset Start), int> Assign(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids,
        MarketHeadroom headroom, MarketClearingOptions options, List<BidClass> classes, List<List<int>> offerClasses,
        Dictionary<(int Class, int OfferClass, DateTimeOffset Start), double> lp)
    {
        var kept = new Dictionary<(int Class, int Offer, DateTimeOffset Start), int>();
        var offerUsed = new Dictionary<(int, DateTimeOffset), double>();
        var areaUsed = new Dictionary<(string, DateTimeOffset), double>();
        var classUsed = new Dictionary<int, int>();
        var byAsk = offerClasses.Select(members => members.OrderBy(o => offers[o].AskYenPerMwh).ThenBy(o => o).ToArray()).ToList();

        bool Fits(int o, MarketBid bid, DateTimeOffset s)
        {
            var offer = offers[o];
            if (offer.Power < bid.Power || bid.ValueYenPerMwh <= offer.AskYenPerMwh || s < offer.Window.Start || s + (bid.Hours * Hour) > offer.Window.End)
            {
                return false;
            }

            for (var k = 0; k < bid.Hours; k++)
            {
                var t = s + (k * Hour);
                if (options.Free(offer, t) - offerUsed.GetValueOrDefault((o, t)) < bid.Power.Megawatts - Eps
                    || (headroom.Limit(offer.Area, t) is { } h && h - areaUsed.GetValueOrDefault((offer.Area.Code, t)) < bid.Power.Megawatts - Eps))
                {
                    return false;
                }
            }

            return true;
        }

        bool Place(int c, int oc, DateTimeOffset start)
        {
            var bid = bids[classes[c].First];
            if (classUsed.GetValueOrDefault(c) >= classes[c].K)
            {
                return false;
            }

            var last = bid.Window.End - (bid.Hours * Hour);
            var steps = (int)Math.Round((last - bid.Window.Start).TotalHours);
            for (var i = 0; i <= 2 * steps; i++)
            {
                // The relaxation's start, then alternately later and earlier ones.
                var s = start + (((i + 1) / 2) * (i % 2 == 1 ? Hour : -Hour));
                if (s < bid.Window.Start || s > last)
                {
                    continue;
                }

                foreach (var o in byAsk[oc])
                {
                    if (!Fits(o, bid, s))
                    {
                        continue;
                    }

                    kept[(c, o, s)] = kept.GetValueOrDefault((c, o, s)) + 1;
                    classUsed[c] = classUsed.GetValueOrDefault(c) + 1;
                    for (var k = 0; k < bid.Hours; k++)
                    {
                        var t = s + (k * Hour);
                        offerUsed[(o, t)] = offerUsed.GetValueOrDefault((o, t)) + bid.Power.Megawatts;
                        areaUsed[(offers[o].Area.Code, t)] = areaUsed.GetValueOrDefault((offers[o].Area.Code, t)) + bid.Power.Megawatts;
                    }

                    return true;
                }
            }

            return false;
        }

        var order = lp.Keys.OrderByDescending(k => bids[classes[k.Class].First].ValueYenPerMwh).ThenByDescending(k => lp[k])
            .ThenBy(k => k.Class).ThenBy(k => k.OfferClass).ThenBy(k => k.Start).ToList();
        foreach (var key in order)
        {
            for (var n = (int)Math.Floor(lp[key] + 1e-7); n > 0 && Place(key.Class, key.OfferClass, key.Start); n--)
            {
            }
        }

        foreach (var key in order.OrderByDescending(k => lp[k] - Math.Floor(lp[k] + 1e-7)).ThenByDescending(k => bids[classes[k.Class].First].ValueYenPerMwh)
            .ThenBy(k => k.Class).ThenBy(k => k.OfferClass).ThenBy(k => k.Start))
        {
            if (lp[key] - Math.Floor(lp[key] + 1e-7) > 1e-7)
            {
                Place(key.Class, key.OfferClass, key.Start);
            }
        }

        return kept;
    }

    private static void Solve(Solver solver, string what)
    {
        var status = solver.Solve();
        if (status != Solver.ResultStatus.OPTIMAL)
        {
            throw new InvalidOperationException($"The market's {what} did not solve ({status}).");
        }
    }

    private static double Welfare(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, List<(int Bid, int Offer, DateTimeOffset Hour, double Mw)> flows) =>
        flows.Sum(f => (bids[f.Bid].ValueYenPerMwh - offers[f.Offer].AskYenPerMwh) * f.Mw);

    private static List<BidClass> BidClasses(IReadOnlyList<MarketBid> bids)
    {
        var byKey = new Dictionary<string, BidClass>(StringComparer.Ordinal);
        var list = new List<BidClass>();
        for (var b = 0; b < bids.Count; b++)
        {
            var x = bids[b];
            var key = string.Join('|', x.Power.Megawatts.ToString("R", System.Globalization.CultureInfo.InvariantCulture), x.Hours, x.Window.Start.UtcTicks, x.Window.End.UtcTicks,
                x.ValueYenPerMwh.ToString("R", System.Globalization.CultureInfo.InvariantCulture), x.Areas is null ? "*" : string.Join(';', x.Areas.Select(a => a.Code).Order(StringComparer.Ordinal)),
                string.Join(';', x.Requires.Order(StringComparer.Ordinal)), x.Divisible);
            if (!byKey.TryGetValue(key, out var c))
            {
                byKey[key] = c = new BidClass(b, []);
                list.Add(c);
            }

            c.Members.Add(b);
        }

        return list;
    }

    private static Model Build(Solver solver, IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, MarketHeadroom headroom, MarketClearingOptions options,
        List<BidClass> classes, List<List<int>> offerClasses, int[] offerClassOf, Dictionary<(int Class, DateTimeOffset Hour), double> open, bool integer,
        Dictionary<(int Class, int Offer, DateTimeOffset Start), int>? fixedBlocks, HashSet<int> withAny, bool perOffer = true)
    {
        var model = new Model();
        var objective = solver.Objective();
        objective.SetMaximization();
        var used = new Dictionary<(int Offer, DateTimeOffset Hour), double>();   // MW of fixed blocks
        var demand = new Dictionary<(int OfferClass, DateTimeOffset Hour), List<(Variable Var, double Mw)>>();
        var offerTerms = new Dictionary<(int, DateTimeOffset), List<(Variable, double)>>();
        if (fixedBlocks is not null)
        {
            foreach (var ((c, o, s), n) in fixedBlocks)
            {
                var bid = bids[classes[c].First];
                for (var k = 0; k < bid.Hours; k++)
                {
                    used[(o, s + (k * Hour))] = used.GetValueOrDefault((o, s + (k * Hour))) + (n * bid.Power.Megawatts);
                }
            }
        }

        for (var ci = 0; ci < classes.Count; ci++)
        {
            var cls = classes[ci];
            var bid = bids[cls.First];
            if (bid.Divisible)
            {
                var perHour = new Dictionary<DateTimeOffset, List<Variable>>();
                var all = new List<Variable>();
                for (var oc = 0; oc < offerClasses.Count; oc++)
                {
                    var sample = offers[offerClasses[oc][0]];
                    if (!bid.Allows(sample.Area) || !sample.Provides(bid.Requires))
                    {
                        continue;
                    }

                    for (var t = bid.Window.Start.ToUniversalTime(); t < bid.Window.End; t += Hour)
                    {
                        if (open.TryGetValue((oc, t), out var ask) && ask < bid.ValueYenPerMwh)
                        {
                            var v = solver.MakeNumVar(0, cls.K * bid.Power.Megawatts, string.Empty);
                            objective.SetCoefficient(v, bid.ValueYenPerMwh);
                            model.Flow[(ci, oc, t)] = v;
                            (perHour.TryGetValue(t, out var l) ? l : perHour[t] = []).Add(v);
                            (demand.TryGetValue((oc, t), out var d) ? d : demand[(oc, t)] = []).Add((v, 1));
                            all.Add(v);
                        }
                    }
                }

                foreach (var vars in perHour.Values.Where(v => v.Count > 1))
                {
                    var c = solver.MakeConstraint(double.NegativeInfinity, cls.K * bid.Power.Megawatts);
                    vars.ForEach(v => c.SetCoefficient(v, 1));
                }

                if (all.Count > 0)
                {
                    var total = solver.MakeConstraint(double.NegativeInfinity, cls.K * bid.MaxMwh);
                    all.ForEach(v => total.SetCoefficient(v, 1));
                    cls.Members.ForEach(m => withAny.Add(m));
                }

                continue;
            }

            if (fixedBlocks is not null)
            {
                continue;
            }

            var blocks = new List<Variable>();
            if (!integer && !perOffer)
            {
                // Decision 0136: a block relaxed to an offer class draws the class's supply in each of its hours (at the
                // offers' asks, through the supply variables), so it is a relaxation of the per-offer block.
                for (var oc = 0; oc < offerClasses.Count; oc++)
                {
                    var sample = offers[offerClasses[oc][0]];
                    if (!bid.Allows(sample.Area) || !sample.Provides(bid.Requires) || !offerClasses[oc].Exists(o => offers[o].Power >= bid.Power))
                    {
                        continue;
                    }

                    for (var s = bid.Window.Start.ToUniversalTime(); s + (bid.Hours * Hour) <= bid.Window.End; s += Hour)
                    {
                        var fits = true;
                        for (var k = 0; k < bid.Hours && fits; k++)
                        {
                            var t = s + (k * Hour);
                            fits = open.TryGetValue((oc, t), out var ask) && ask < bid.ValueYenPerMwh;
                        }

                        if (!fits)
                        {
                            continue;
                        }

                        var v = solver.MakeNumVar(0, cls.K, string.Empty);
                        objective.SetCoefficient(v, bid.ValueYenPerMwh * bid.MaxMwh);
                        model.ClassBlocks[(ci, oc, s)] = v;
                        blocks.Add(v);
                        for (var k = 0; k < bid.Hours; k++)
                        {
                            var key = (oc, s + (k * Hour));
                            (demand.TryGetValue(key, out var d) ? d : demand[key] = []).Add((v, bid.Power.Megawatts));
                        }
                    }
                }

                if (blocks.Count > 0)
                {
                    var c = solver.MakeConstraint(double.NegativeInfinity, cls.K);
                    blocks.ForEach(v => c.SetCoefficient(v, 1));
                    cls.Members.ForEach(m => withAny.Add(m));
                }

                continue;
            }

            for (var o = 0; o < offers.Count; o++)
            {
                var offer = offers[o];
                if (bid.ValueYenPerMwh <= offer.AskYenPerMwh || offer.Power < bid.Power || !bid.Allows(offer.Area) || !offer.Provides(bid.Requires)
                    || offer.Window.Intersect(bid.Window) is not { } w || w.Duration.TotalHours < bid.Hours)
                {
                    continue;
                }

                for (var s = w.Start.ToUniversalTime(); s + (bid.Hours * Hour) <= w.End; s += Hour)
                {
                    var fits = true;
                    for (var k = 0; k < bid.Hours && fits; k++)
                    {
                        var t = s + (k * Hour);
                        fits = (headroom.Limit(offer.Area, t) is not { } h || h >= bid.Power.Megawatts - Eps) && options.Free(offer, t) >= bid.Power.Megawatts - Eps;
                    }

                    if (!fits)
                    {
                        continue;
                    }

                    var v = integer ? solver.MakeIntVar(0, cls.K, string.Empty) : solver.MakeNumVar(0, cls.K, string.Empty);
                    objective.SetCoefficient(v, (bid.ValueYenPerMwh - offer.AskYenPerMwh) * bid.MaxMwh);
                    model.Blocks[(ci, o, s)] = v;
                    blocks.Add(v);
                    for (var k = 0; k < bid.Hours; k++)
                    {
                        var key = (o, s + (k * Hour));
                        (offerTerms.TryGetValue(key, out var l) ? l : offerTerms[key] = []).Add((v, bid.Power.Megawatts));
                    }
                }
            }

            if (blocks.Count > 0)
            {
                var c = solver.MakeConstraint(double.NegativeInfinity, cls.K);
                blocks.ForEach(v => c.SetCoefficient(v, 1));
                cls.Members.ForEach(m => withAny.Add(m));
            }
        }

        // Supply: each open offer-hour of a class someone demands, at its ask; class-hour demand ≤ class-hour supply.
        foreach (var ((oc, t), vars) in demand)
        {
            var balance = solver.MakeConstraint(double.NegativeInfinity, 0);
            vars.ForEach(v => balance.SetCoefficient(v.Var, v.Mw));
            foreach (var o in offerClasses[oc])
            {
                if (offers[o].Window.Contains(t) && options.Free(offers[o], t) - used.GetValueOrDefault((o, t)) > Eps)
                {
                    var s = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
                    objective.SetCoefficient(s, -offers[o].AskYenPerMwh);
                    balance.SetCoefficient(s, -1);
                    model.Supply[(o, t)] = s;
                    (offerTerms.TryGetValue((o, t), out var l) ? l : offerTerms[(o, t)] = []).Add((s, 1));
                }
            }
        }

        var areaTerms = new Dictionary<(string, DateTimeOffset), List<(Variable, double)>>();
        foreach (var ((o, t), terms) in offerTerms)
        {
            var c = solver.MakeConstraint(double.NegativeInfinity, Math.Max(0, options.Free(offers[o], t) - used.GetValueOrDefault((o, t))));
            terms.ForEach(x => c.SetCoefficient(x.Item1, x.Item2));
            model.OfferCaps[(o, t)] = c;
            if (headroom.Limit(offers[o].Area, t) is not null)
            {
                var key = (offers[o].Area.Code, t);
                (areaTerms.TryGetValue(key, out var l) ? l : areaTerms[key] = []).AddRange(terms);
            }
        }

        var areaUsed = new Dictionary<(string, DateTimeOffset), double>();
        foreach (var ((o, t), mw) in used)
        {
            areaUsed[(offers[o].Area.Code, t)] = areaUsed.GetValueOrDefault((offers[o].Area.Code, t)) + mw;
        }

        foreach (var ((area, t), terms) in areaTerms)
        {
            var c = solver.MakeConstraint(double.NegativeInfinity, Math.Max(0, headroom.Limit(Areas.JapanAreas.Get(area), t)!.Value - areaUsed.GetValueOrDefault((area, t))));
            terms.ForEach(x => c.SetCoefficient(x.Item1, x.Item2));
            model.AreaCaps[(area, t)] = c;
        }

        return model;
    }

    /// <summary>Area-hour prices from the relaxation's duals (decision 0131): lowest ask + capacity rent among the offers used, plus the headroom rent.</summary>
    private static Dictionary<(string, DateTimeOffset), double> Prices(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, List<BidClass> classes, Model model)
    {
        var used = new HashSet<(int Offer, DateTimeOffset Hour)>();
        foreach (var (key, s) in model.Supply)
        {
            if (s.SolutionValue() > Eps)
            {
                used.Add(key);
            }
        }

        foreach (var ((c, o, s), v) in model.Blocks)
        {
            if (v.SolutionValue() > Eps)
            {
                for (var k = 0; k < bids[classes[c].First].Hours; k++)
                {
                    used.Add((o, s + (k * Hour)));
                }
            }
        }

        return MarketClearing.PricesOf(offers, used, model.OfferCaps, model.AreaCaps);
    }

    /// <summary>
    /// Maps a solution back to (bid, offer, hour, MW): class-hour flows to offers assortatively (highest value to lowest
    /// ask), each bid class's flow split evenly over its members, and each block count to that many members.
    /// </summary>
    private static List<(int Bid, int Offer, DateTimeOffset Hour, double Mw)> Flows(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids,
        List<BidClass> classes, List<List<int>> offerClasses, Model model, Dictionary<(int Class, int Offer, DateTimeOffset Start), int> blocks, bool fromSolution = false)
    {
        var result = new List<(int, int, DateTimeOffset, double)>();
        var byClassHour = new Dictionary<(int OfferClass, DateTimeOffset Hour), List<(int Class, double Mw)>>();
        foreach (var ((c, oc, t), v) in model.Flow)
        {
            if (v.SolutionValue() > Eps)
            {
                (byClassHour.TryGetValue((oc, t), out var l) ? l : byClassHour[(oc, t)] = []).Add((c, v.SolutionValue()));
            }
        }

        foreach (var ((oc, t), demands) in byClassHour)
        {
            var supply = offerClasses[oc].Where(o => model.Supply.TryGetValue((o, t), out var s) && s.SolutionValue() > Eps)
                .Select(o => (Offer: o, Mw: model.Supply[(o, t)].SolutionValue())).OrderBy(x => offers[x.Offer].AskYenPerMwh).ThenBy(x => x.Offer).ToList();
            var queue = demands.OrderByDescending(d => bids[classes[d.Class].First].ValueYenPerMwh).ThenBy(d => d.Class).ToList();
            var si = 0;
            var left = supply.Count > 0 ? supply[0].Mw : 0;
            foreach (var (c, mw) in queue)
            {
                var need = mw;
                while (need > Eps && si < supply.Count)
                {
                    var take = Math.Min(need, left);
                    var offer = supply[si].Offer;
                    var cls = classes[c];
                    if (take > Eps && bids[cls.First].ValueYenPerMwh > offers[offer].AskYenPerMwh)
                    {
                        foreach (var m in cls.Members)
                        {
                            result.Add((m, offer, t, Math.Round(take / cls.K, 9)));
                        }
                    }

                    need -= take;
                    left -= take;
                    if (left <= Eps && ++si < supply.Count)
                    {
                        left = supply[si].Mw;
                    }
                }
            }
        }

        var next = new Dictionary<int, int>();
        foreach (var ((c, o, s), n) in blocks.OrderBy(kv => kv.Key.Class).ThenBy(kv => kv.Key.Offer).ThenBy(kv => kv.Key.Start))
        {
            var cls = classes[c];
            var bid = bids[cls.First];
            for (var i = 0; i < n; i++)
            {
                var at = next.GetValueOrDefault(c);
                next[c] = at + 1;
                for (var k = 0; k < bid.Hours; k++)
                {
                    result.Add((cls.Members[at], o, s + (k * Hour), bid.Power.Megawatts));
                }
            }
        }

        _ = fromSolution;
        return result;
    }
}
