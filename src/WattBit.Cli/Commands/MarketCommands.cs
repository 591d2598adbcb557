using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WattBit.Formats;
using WattBit.Planning.Market;

namespace WattBit.Cli.Commands;

/// <summary>
/// <c>wattbit market clear</c>: clears the processing market between operators (formats.md section 7): offers and bids
/// in, matches with prices out; prints welfare, matched MWh, the proven gap, per-operator settlement, the pay-as-bid
/// comparison, and every bid not fully served with its reason.
/// </summary>
internal static class MarketCommands
{
    public static Command Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var command = new Command("market", "The processing market between operators: clear offers against bids.");
        command.Subcommands.Add(Clear(time));
        return command;
    }

    private static Command Clear(TimeProvider time)
    {
        var offers = new Option<FileInfo>("--offers") { Description = "offers.csv: id,operator,site,area,start,end,mw,ask_yen_per_mwh,tags.", Required = true };
        var bids = new Option<FileInfo>("--bids") { Description = "bids.csv: id,operator,mw,hours,release,deadline,value_yen_per_mwh,areas,requires,divisible.", Required = true };
        var headroom = new Option<FileInfo?>("--headroom") { Description = "headroom.csv: area,time,mw — the most extra draw the market may add per area-hour (absent area-hours are not limited)." };
        var output = new Option<FileInfo>("--out") { Description = "Write bid,offer,site,area,time,mw,price_yen_per_mwh to this CSV file.", Required = true };
        var now = new Option<string?>("--now") { Description = "The current time (ISO 8601 with offset) for the past-window check; default: the clock." };
        var aggregate = new Option<bool>("--aggregate") { Description = "Solve the aggregated form (identical bids merged, flows to offer classes, blocks rounded from the relaxation; decision 0133): for large markets, within a 1 % proven gap." };
        var command = new Command("clear", "Match bids to offers for the most welfare within offers, bids' rules and grid headroom; price each row within [ask, value].")
        {
            offers, bids, headroom, output, now, aggregate,
        };
        command.SetAction(parse => Run(parse.GetValue(offers)!, parse.GetValue(bids)!, parse.GetValue(headroom), parse.GetValue(output)!,
            parse.GetValue(now), time, parse.GetValue(aggregate)));
        return command;
    }

    internal static int Run(FileInfo offersFile, FileInfo bidsFile, FileInfo? headroomFile, FileInfo output, string? nowText, TimeProvider time, bool aggregate = false)
    {
        var now = time.GetUtcNow();
        if (nowText is not null)
        {
            now = Iso8601.TryParse(nowText, out var n, out var reason) ? n : throw new CliException($"--now: {reason}.");
        }

        // Everything is read and checked before anything is written.
        var offers = MarketCsv.ReadOffers(offersFile.FullName, now);
        var bids = MarketCsv.ReadBids(bidsFile.FullName, now);
        var headroom = headroomFile is null ? MarketHeadroom.None : MarketCsv.ReadHeadroom(headroomFile.FullName);
        var result = MarketClearing.Clear(offers, bids, headroom, new MarketClearingOptions(Aggregate: aggregate));

        using (var writer = new StreamWriter(output.FullName))
        {
            MarketCsv.WriteMatches(writer, result.Matches);
        }

        var ui = Ui.Out;
        ui.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Cleared {offers.Count} offers and {bids.Count} bids ({result.Method}, {result.Backend}): welfare {result.WelfareYen:#,0} JPY, matched {result.MatchedMwh:#,0.###} MWh, bound {result.UpperBoundYen:#,0} JPY, gap {result.Gap:0.###%}; headroom limits {headroom.Count} area-hours.")));
        var table = new Table().Border(TableBorder.Rounded).Title("settlement (uniform area-hour prices)");
        table.AddColumn("operator");
        foreach (var c in new[] { "bought MWh", "paid JPY", "sold MWh", "received JPY", "surplus JPY" })
        {
            table.AddColumn(new TableColumn(c).RightAligned());
        }

        foreach (var s in result.Settlement)
        {
            table.AddRow(Markup.Escape(s.Operator), N(s.BoughtMwh, "#,0.###"), N(s.PaidYen, "#,0"), N(s.SoldMwh, "#,0.###"), N(s.ReceivedYen, "#,0"), N(s.SurplusYen, "#,0"));
        }

        ui.Write(table);
        var pab = result.PayAsBid;
        ui.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Pay-as-bid on the same matches: buyers pay {pab.BuyersPayYen:#,0} JPY, sellers receive {pab.SellersReceiveYen:#,0} JPY, the market keeps {pab.MarketKeepsYen:#,0} JPY (uniform prices: buyers pay {result.Matches.Sum(m => m.Yen):#,0} JPY, all of it to sellers).")));
        if (result.Unmatched.Count == 0)
        {
            ui.MarkupLine("Every bid was served.");
        }
        else
        {
            ui.MarkupLine($"{result.Unmatched.Count} bid(s) not fully served:");
            foreach (var u in result.Unmatched)
            {
                ui.MarkupLine(Markup.Escape($"  {u.BidId}: {u.Reason}"));
            }
        }

        ui.MarkupLine($"Wrote [bold]{Markup.Escape(output.FullName)}[/].");
        return 0;
    }

    private static string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
