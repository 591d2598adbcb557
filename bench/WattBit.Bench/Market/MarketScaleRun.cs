using System.Diagnostics;
using System.Globalization;
using WattBit.Areas;
using WattBit.Planning.Market;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Bench.Market;

/// <summary>
/// Whole-program timing of the market clearing at the size (issue 16, decision 0133):
/// <c>dotnet run -c Release --project bench/WattBit.Bench -- market [--scales 0.01,0.02,1] [--baseline-up-to 0.02] [--per-offer-up-to 0.1] [--seed 1]</c>.
/// A seeded market of 50 operators × 500 offers × 10,000 bids × 48 h of standard products (below) is scaled down by
/// each factor (offers and bids); at every scale the aggregated clearing runs (blocks relaxed to offer classes, decision
/// 0136), up to <c>--per-offer-up-to</c> the same with blocks relaxed per offer (decision 0133), and up to
/// <c>--baseline-up-to</c> the plain full MIP (decision 0130), on the same instance in the same run. Prints time, welfare, proven bound, gap
/// and the time ratio.
/// </summary>
internal static class MarketScaleRun
{
    private static readonly DateTimeOffset T0 = new(2030, 5, 1, 0, 0, 0, Jst.Offset);
    private static readonly string[][] SiteTypes = [["gpu"], ["gpu", "hpc", "liquid-cooling"], ["cpu"], ["cpu", "storage"], ["gpu", "confidential", "jp-only"], ["cpu", "renewable"]];
    private static readonly GridArea[][] Regions = [[JapanAreas.Hokkaido, JapanAreas.Tohoku, JapanAreas.Tokyo], [JapanAreas.Kansai, JapanAreas.Chugoku, JapanAreas.Shikoku, JapanAreas.Kyushu]];

    public static int Run(string[] args)
    {
        double[] scales = [0.01, 0.02, 0.05, 1.0];
        var baselineUpTo = 0.02;
        var perOfferUpTo = 0.1;
        var seed = 1;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--scales":
                    scales = [.. args[++i].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
                    break;
                case "--baseline-up-to":
                    baselineUpTo = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--per-offer-up-to":
                    perOfferUpTo = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
            }
        }

        Console.WriteLine($"// market clearing; {Environment.ProcessorCount} cores; load average {LoadAverage()}");
        Console.WriteLine("| scale | offers | bids | method | seconds | CPU seconds | welfare JPY | bound JPY | gap | matched MWh | time / aggregated |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var scale in scales)
        {
            var (offers, bids) = Instance(scale, seed);
            var (agg, aggSeconds, aggCpu) = Time(() => MarketClearing.Clear(offers, bids, null, new MarketClearingOptions(Aggregate: true, TimeLimit: TimeSpan.FromSeconds(60))));
            Row(scale, offers.Count, bids.Count, agg, aggSeconds, aggCpu, aggSeconds);
            if (scale <= perOfferUpTo)
            {
                var (perOffer, perOfferSeconds, perOfferCpu) = Time(() => MarketClearing.Clear(offers, bids, null,
                    new MarketClearingOptions(Aggregate: true, TimeLimit: TimeSpan.FromSeconds(60), BlocksPerOffer: true)));
                Row(scale, offers.Count, bids.Count, perOffer, perOfferSeconds, perOfferCpu, aggSeconds);
            }
            if (scale <= baselineUpTo)
            {
                var (plain, plainSeconds, plainCpu) = Time(() => MarketClearing.Clear(offers, bids, null, new MarketClearingOptions(MipRelativeGap: 0.01, TimeLimit: TimeSpan.FromSeconds(300))));
                Row(scale, offers.Count, bids.Count, plain, plainSeconds, plainCpu, aggSeconds);
            }
        }

        return 0;
    }

    private static void Row(double scale, int offers, int bids, MarketClearingResult r, double seconds, double cpu, double baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {scale} | {offers} | {bids} | {r.Method} ({r.Backend}) | {seconds:0.00} | {cpu:0.00} | {r.WelfareYen:0} | {r.UpperBoundYen:0} | {r.Gap:P3} | {r.MatchedMwh:0.#} | {seconds / baseline:0.00} |"));

    // Wall seconds and this process's CPU seconds (all threads): on a machine shared with other builds the CPU time is
    // the steadier measure of the work done.
    private static (MarketClearingResult, double, double) Time(Func<MarketClearingResult> run)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var r = run();
        var wall = sw.Elapsed.TotalSeconds;
        process.Refresh();
        return (r, wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>
    /// Standard products: offers at each operator's two sites (an area and one of six site types), 12 or 24 h windows
    /// starting every 6 h, 5-40 MW, asks 8,000-20,000 JPY/MWh in steps of 1,000; bids of 1 or 4 MW for 2 or 6 h in a
    /// 12 h window starting every 12 h, valued 12,000-28,000 in steps of 4,000, for any area or one region, needing
    /// nothing, gpu or cpu, 70 % divisible.
    /// </summary>
    internal static (List<MarketOffer> Offers, List<MarketBid> Bids) Instance(double scale, int seed)
    {
        var rng = new Random(seed);
        var operators = 50;
        var sites = Enumerable.Range(0, operators).SelectMany(op => Enumerable.Range(0, 2).Select(k =>
            (Op: $"op{op}", Site: $"op{op}-s{k}", Area: JapanAreas.All[rng.Next(9)], Tags: SiteTypes[rng.Next(SiteTypes.Length)]))).ToList();
        var offers = new List<MarketOffer>();
        var offerCount = Math.Max(1, (int)Math.Round(500 * scale));
        for (var i = 0; i < offerCount; i++)
        {
            var s = sites[(i / 10 * 2) % sites.Count + rng.Next(2)];
            var start = 6 * rng.Next(7);
            var end = Math.Min(48, start + (rng.Next(2) == 0 ? 12 : 24));
            offers.Add(new MarketOffer($"o{i}", s.Op, new SiteId(s.Site), s.Area, new TimeWindow(T0.AddHours(start), T0.AddHours(end)),
                Power.FromMegawatts(5 * (1 << rng.Next(4))), 8_000 + (1_000 * rng.Next(13)), new HashSet<string>(s.Tags)));
        }

        var bids = new List<MarketBid>();
        var bidCount = Math.Max(1, (int)Math.Round(10_000 * scale));
        string[][] needs = [[], ["gpu"], ["cpu"]];
        for (var i = 0; i < bidCount; i++)
        {
            var release = 12 * rng.Next(4);
            var region = rng.Next(3);
            bids.Add(new MarketBid($"b{i}", $"op{rng.Next(operators)}", Power.FromMegawatts(rng.Next(2) == 0 ? 1 : 4), rng.Next(2) == 0 ? 2 : 6,
                new TimeWindow(T0.AddHours(release), T0.AddHours(release + 12)), 12_000 + (4_000 * rng.Next(5)),
                region == 2 ? null : new HashSet<GridArea>(Regions[region]), new HashSet<string>(needs[rng.Next(3)]), rng.NextDouble() < 0.7));
        }

        return (offers, bids);
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
