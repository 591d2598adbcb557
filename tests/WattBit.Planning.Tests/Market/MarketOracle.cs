using WattBit.Planning.Market;

namespace WattBit.Planning.Tests.Market;

/// <summary>
/// Checks written for the tests, independent of the engine: feasibility of a result recomputed from its rows, and the
/// best welfare by brute force on small instances.
/// </summary>
internal static class MarketOracle
{
    private const double Tol = 1e-6;

    /// <summary>Every rule of formats.md section 7 recomputed from the rows; returns the problems (empty when none).</summary>
    public static List<string> Violations(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, MarketHeadroom headroom, MarketClearingResult result)
    {
        var problems = new List<string>();
        var offer = offers.ToDictionary(o => o.Id);
        var bid = bids.ToDictionary(b => b.Id);
        foreach (var m in result.Matches)
        {
            var o = offer[m.OfferId];
            var b = bid[m.BidId];
            if (m.Mw <= 0) problems.Add($"{m}: non-positive MW");
            if (!o.Window.Contains(m.Hour) || !b.Window.Contains(m.Hour)) problems.Add($"{m}: outside a window");
            if (m.Hour.Minute != 0 || m.Hour.Second != 0) problems.Add($"{m}: not a whole hour");
            if (b.Areas is not null && !b.Areas.Contains(o.Area)) problems.Add($"{m}: area not allowed");
            if (!b.Requires.All(o.Tags.Contains)) problems.Add($"{m}: a required tag missing");
            if (m.Site != o.Site || m.Area != o.Area) problems.Add($"{m}: site or area not the offer's");
            if (m.PriceYenPerMwh < o.AskYenPerMwh - Tol || m.PriceYenPerMwh > b.ValueYenPerMwh + Tol) problems.Add($"{m}: price outside [ask, value]");
        }

        foreach (var g in result.Matches.GroupBy(m => (m.OfferId, m.Hour.UtcDateTime)))
        {
            if (g.Sum(m => m.Mw) > offer[g.Key.OfferId].Power.Megawatts + Tol) problems.Add($"offer {g.Key.OfferId} over its MW at {g.Key.UtcDateTime:O}");
        }

        foreach (var g in result.Matches.GroupBy(m => (m.Area, m.Hour.UtcDateTime)))
        {
            if (headroom.Limit(g.Key.Area, g.First().Hour) is { } h && g.Sum(m => m.Mw) > h + Tol) problems.Add($"{g.Key.Area.Code} over headroom at {g.Key.UtcDateTime:O}");
        }

        foreach (var g in result.Matches.GroupBy(m => m.BidId))
        {
            var b = bid[g.Key];
            if (g.Sum(m => m.Mw) > b.MaxMwh + Tol) problems.Add($"bid {b.Id} over its MWh");
            foreach (var hour in g.GroupBy(m => m.Hour.UtcDateTime))
            {
                if (hour.Sum(m => m.Mw) > b.Power.Megawatts + Tol) problems.Add($"bid {b.Id} over its MW at {hour.Key:O}");
            }

            if (!b.Divisible)
            {
                var hours = g.Select(m => m.Hour.UtcDateTime).Order().ToList();
                if (g.Select(m => m.OfferId).Distinct().Count() != 1) problems.Add($"indivisible {b.Id} on several offers");
                if (hours.Count != b.Hours || hours.Distinct().Count() != b.Hours || (hours[^1] - hours[0]).TotalHours != b.Hours - 1) problems.Add($"indivisible {b.Id} not one block of {b.Hours} h");
                if (g.Any(m => Math.Abs(m.Mw - b.Power.Megawatts) > Tol)) problems.Add($"indivisible {b.Id} not at its full MW");
            }
        }

        var welfare = result.Matches.Sum(m => (bid[m.BidId].ValueYenPerMwh - offer[m.OfferId].AskYenPerMwh) * m.Mw);
        if (Math.Abs(welfare - result.WelfareYen) > 1e-6 * Math.Max(1, welfare)) problems.Add($"welfare {result.WelfareYen} is not the rows' {welfare}");
        return problems;
    }

    /// <summary>
    /// The best welfare by enumerating every integer MW per (bid, offer, hour) for divisible bids and every (offer,
    /// start) or nothing for indivisible bids. With integer MW, hours and headroom the divisible part is a flow problem,
    /// whose optimum is integral, so enumerating integers finds the true optimum.
    /// </summary>
    public static double BruteForceWelfare(IReadOnlyList<MarketOffer> offers, IReadOnlyList<MarketBid> bids, MarketHeadroom headroom)
    {
        var hourSpan = TimeSpan.FromHours(1);
        var cells = new List<(int B, int O, DateTimeOffset T, int Max)>();
        var choices = new List<List<(int O, DateTimeOffset S)?>>();
        var blockBids = new List<int>();
        for (var b = 0; b < bids.Count; b++)
        {
            var bid = bids[b];
            if (!bid.Divisible)
            {
                blockBids.Add(b);
                var list = new List<(int, DateTimeOffset)?> { null };
                for (var o = 0; o < offers.Count; o++)
                {
                    var of = offers[o];
                    if (Usable(of, bid))
                    {
                        for (var s = Max(of.Window.Start, bid.Window.Start); s + (bid.Hours * hourSpan) <= Min(of.Window.End, bid.Window.End); s += hourSpan)
                        {
                            list.Add((o, s));
                        }
                    }
                }

                choices.Add(list);
                continue;
            }

            for (var o = 0; o < offers.Count; o++)
            {
                if (Usable(offers[o], bid))
                {
                    for (var t = Max(offers[o].Window.Start, bid.Window.Start); t < Min(offers[o].Window.End, bid.Window.End); t += hourSpan)
                    {
                        cells.Add((b, o, t, (int)Math.Min(bid.Power.Megawatts, offers[o].Power.Megawatts)));
                    }
                }
            }
        }

        var best = 0.0;
        var pick = new (int O, DateTimeOffset S)?[blockBids.Count];
        var amount = new int[cells.Count];

        void Cells(int i)
        {
            if (i == cells.Count)
            {
                if (Feasible())
                {
                    best = Math.Max(best, Welfare());
                }

                return;
            }

            for (var v = 0; v <= cells[i].Max; v++)
            {
                amount[i] = v;
                Cells(i + 1);
            }
        }

        void Blocks(int k)
        {
            if (k == blockBids.Count)
            {
                Cells(0);
                return;
            }

            foreach (var c in choices[k])
            {
                pick[k] = c;
                Blocks(k + 1);
            }
        }

        bool Feasible()
        {
            var offerLoad = new Dictionary<(int, DateTimeOffset), double>();
            var areaLoad = new Dictionary<(string, DateTimeOffset), double>();
            var bidHour = new Dictionary<(int, DateTimeOffset), double>();
            var bidTotal = new Dictionary<int, double>();
            void Load(int b, int o, DateTimeOffset t, double mw)
            {
                offerLoad[(o, t)] = offerLoad.GetValueOrDefault((o, t)) + mw;
                areaLoad[(offers[o].Area.Code, t)] = areaLoad.GetValueOrDefault((offers[o].Area.Code, t)) + mw;
                bidHour[(b, t)] = bidHour.GetValueOrDefault((b, t)) + mw;
                bidTotal[b] = bidTotal.GetValueOrDefault(b) + mw;
            }

            for (var k = 0; k < blockBids.Count; k++)
            {
                if (pick[k] is { } p)
                {
                    for (var h = 0; h < bids[blockBids[k]].Hours; h++)
                    {
                        Load(blockBids[k], p.O, p.S + (h * hourSpan), bids[blockBids[k]].Power.Megawatts);
                    }
                }
            }

            for (var i = 0; i < cells.Count; i++)
            {
                if (amount[i] > 0)
                {
                    Load(cells[i].B, cells[i].O, cells[i].T, amount[i]);
                }
            }

            return offerLoad.All(kv => kv.Value <= offers[kv.Key.Item1].Power.Megawatts + Tol)
                && areaLoad.All(kv => headroom.Limit(Areas.JapanAreas.Get(kv.Key.Item1), kv.Key.Item2) is not { } h || kv.Value <= h + Tol)
                && bidHour.All(kv => kv.Value <= bids[kv.Key.Item1].Power.Megawatts + Tol)
                && bidTotal.All(kv => kv.Value <= bids[kv.Key].MaxMwh + Tol);
        }

        double Welfare()
        {
            var w = 0.0;
            for (var k = 0; k < blockBids.Count; k++)
            {
                if (pick[k] is { } p)
                {
                    w += (bids[blockBids[k]].ValueYenPerMwh - offers[p.O].AskYenPerMwh) * bids[blockBids[k]].MaxMwh;
                }
            }

            for (var i = 0; i < cells.Count; i++)
            {
                w += (bids[cells[i].B].ValueYenPerMwh - offers[cells[i].O].AskYenPerMwh) * amount[i];
            }

            return w;
        }

        Blocks(0);
        return best;
    }

    // A pair the buyer may use at all; pairs with value below ask are left in so the search may only lose by them.
    private static bool Usable(MarketOffer o, MarketBid b) => (b.Areas is null || b.Areas.Contains(o.Area)) && b.Requires.All(o.Tags.Contains);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
