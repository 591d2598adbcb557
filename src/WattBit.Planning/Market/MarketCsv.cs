using System.Globalization;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Market;

/// <summary>
/// Reads and writes the processing market's files (formats.md section 7): offers.csv, bids.csv, headroom.csv and the
/// clearing's result. Every problem names the file, line, column, the row's id and the field; a file with any problem
/// yields nothing. Stateless and thread-safe.
/// </summary>
public static class MarketCsv
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>Reads offers; windows must not start before the hour that holds <paramref name="now"/>.</summary>
    /// <exception cref="InputFormatException">A missing column, unknown area or tag, a bad or past window, a bad number, a duplicate id, or a site given for two operators or areas.</exception>
    public static IReadOnlyList<MarketOffer> ReadOffers(string path, DateTimeOffset now) => ReadOffers(CsvTable.ReadFile(path), now);

    /// <summary>Reads offers from a parsed table.</summary>
    /// <exception cref="InputFormatException">See <see cref="ReadOffers(string, DateTimeOffset)"/>.</exception>
    public static IReadOnlyList<MarketOffer> ReadOffers(CsvTable table, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(table);
        int cId = table.Require("id"), cOperator = table.Require("operator"), cSite = table.Require("site"), cArea = table.Require("area"),
            cStart = table.Require("start"), cEnd = table.Require("end"), cMw = table.Require("mw"), cAsk = table.Require("ask_yen_per_mwh"),
            cTags = table.Require("tags");
        var offers = new List<MarketOffer>(table.Rows.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var sites = new Dictionary<string, (string Operator, string Area, int Line)>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var id = Id(table, row, cId, "offer", seen);
            var op = NonEmpty(table, row, cOperator, id, "operator");
            var siteText = NonEmpty(table, row, cSite, id, "site");
            SiteId site;
            try
            {
                site = new SiteId(siteText);
            }
            catch (ArgumentException)
            {
                throw table.Error(row, cSite, $"offer '{id}' field 'site': '{siteText}' is not a site id (no spaces around it, no ';' or ',').");
            }

            var area = Area(table, row, cArea, id);
            if (sites.TryGetValue(site.Value, out var owner) && (owner.Operator != op || owner.Area != area.Code))
            {
                throw table.Error(row, owner.Operator != op ? cSite : cArea, owner.Operator != op
                    ? $"offer '{id}' field 'site': site '{site}' belongs to operator '{owner.Operator}' (line {owner.Line}), not '{op}'."
                    : $"offer '{id}' field 'area': site '{site}' is in {owner.Area} (line {owner.Line}), not {area.Code}.");
            }

            sites.TryAdd(site.Value, (op, area.Code, row.Line));
            var window = Window(table, row, cStart, cEnd, id, "offer", "start", "end", now);
            var mw = Number(table, row, cMw, id, "offer", "mw", positive: true);
            var ask = Number(table, row, cAsk, id, "offer", "ask_yen_per_mwh", positive: false);
            var tags = Tags(table, row, cTags, id, "offer", "tags");
            offers.Add(new MarketOffer(id, op, site, area, window, Power.FromMegawatts(mw), ask, tags));
        }

        return offers;
    }

    /// <summary>Reads bids; windows must not start before the hour that holds <paramref name="now"/>.</summary>
    /// <exception cref="InputFormatException">A missing column, unknown area or tag, a bad or past window, a bad number, a duplicate id, or more hours than the window holds.</exception>
    public static IReadOnlyList<MarketBid> ReadBids(string path, DateTimeOffset now) => ReadBids(CsvTable.ReadFile(path), now);

    /// <summary>Reads bids from a parsed table.</summary>
    /// <exception cref="InputFormatException">See <see cref="ReadBids(string, DateTimeOffset)"/>.</exception>
    public static IReadOnlyList<MarketBid> ReadBids(CsvTable table, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(table);
        int cId = table.Require("id"), cOperator = table.Require("operator"), cMw = table.Require("mw"), cHours = table.Require("hours"),
            cRelease = table.Require("release"), cDeadline = table.Require("deadline"), cValue = table.Require("value_yen_per_mwh"),
            cAreas = table.Require("areas"), cRequires = table.Require("requires"), cDivisible = table.Require("divisible");
        var bids = new List<MarketBid>(table.Rows.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var id = Id(table, row, cId, "bid", seen);
            var op = NonEmpty(table, row, cOperator, id, "operator");
            var mw = Number(table, row, cMw, id, "bid", "mw", positive: true);
            var hoursText = table.Field(row, cHours).Trim();
            if (!int.TryParse(hoursText, NumberStyles.None, CultureInfo.InvariantCulture, out var hours) || hours < 1)
            {
                throw table.Error(row, cHours, $"bid '{id}' field 'hours': '{hoursText}' is not a whole number of hours of at least 1.");
            }

            var window = Window(table, row, cRelease, cDeadline, id, "bid", "release", "deadline", now);
            if (hours > window.Duration.TotalHours)
            {
                throw table.Error(row, cHours, string.Create(CultureInfo.InvariantCulture,
                    $"bid '{id}' field 'hours': {hours} h is longer than its window {window} ({window.Duration.TotalHours:0} h)."));
            }

            var value = Number(table, row, cValue, id, "bid", "value_yen_per_mwh", positive: false);
            var areasText = table.Field(row, cAreas).Trim();
            HashSet<GridArea>? areas = null;
            if (areasText != "*")
            {
                areas = [];
                foreach (var code in areasText.Split(';', StringSplitOptions.TrimEntries))
                {
                    areas.Add(JapanAreas.TryFind(code, out var a) ? a : throw table.Error(row, cAreas,
                        $"bid '{id}' field 'areas': unknown area '{code}' (known: {string.Join(", ", JapanAreas.All.Select(x => x.Code))}, or * for any)."));
                }
            }

            var requires = Tags(table, row, cRequires, id, "bid", "requires");
            var divisibleText = table.Field(row, cDivisible).Trim();
            var divisible = divisibleText.ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                _ => throw table.Error(row, cDivisible, $"bid '{id}' field 'divisible': '{divisibleText}' is not true or false."),
            };
            bids.Add(new MarketBid(id, op, Power.FromMegawatts(mw), hours, window, value, areas, requires, divisible));
        }

        return bids;
    }

    /// <summary>Reads headroom.csv (<c>area,time,mw</c>).</summary>
    /// <exception cref="InputFormatException">A missing column, an unknown area, a time not on a whole hour, a negative or non-numeric MW, or an area-hour given twice.</exception>
    public static MarketHeadroom ReadHeadroom(string path) => ReadHeadroom(CsvTable.ReadFile(path));

    /// <summary>Reads headroom from a parsed table.</summary>
    /// <exception cref="InputFormatException">See <see cref="ReadHeadroom(string)"/>.</exception>
    public static MarketHeadroom ReadHeadroom(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        int cArea = table.Require("area"), cTime = table.Require("time"), cMw = table.Require("mw");
        var limits = new List<(GridArea, DateTimeOffset, double)>();
        var seen = new Dictionary<(string, DateTimeOffset), int>();
        foreach (var row in table.Rows)
        {
            var code = table.Field(row, cArea).Trim();
            var area = JapanAreas.TryFind(code, out var a) ? a : throw table.Error(row, cArea,
                $"field 'area': unknown area '{code}' (known: {string.Join(", ", JapanAreas.All.Select(x => x.Code))}).");
            var time = Instant(table, row, cTime, "headroom", "field 'time'");
            var text = table.Field(row, cMw).Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var mw) || !double.IsFinite(mw) || mw < 0)
            {
                throw table.Error(row, cMw, $"field 'mw': '{text}' is not a non-negative number of MW.");
            }

            if (!seen.TryAdd((area.Code, time.ToUniversalTime()), row.Line))
            {
                throw table.Error(row, cTime, $"{area.Code} {Iso8601.Format(time)} is already given on line {seen[(area.Code, time.ToUniversalTime())]}.");
            }

            limits.Add((area, time, mw));
        }

        return new MarketHeadroom(limits);
    }

    /// <summary>Writes the clearing's rows: <c>bid,offer,site,area,time,mw,price_yen_per_mwh</c>.</summary>
    public static void WriteMatches(TextWriter writer, IEnumerable<MarketMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(matches);
        writer.WriteLine("bid,offer,site,area,time,mw,price_yen_per_mwh");
        foreach (var m in matches)
        {
            writer.WriteLine(string.Join(',', Csv.Escape(m.BidId), Csv.Escape(m.OfferId), Csv.Escape(m.Site.Value), m.Area.Code,
                Iso8601.Format(m.Hour), m.Mw.ToString("R", CultureInfo.InvariantCulture),
                Math.Round(m.PriceYenPerMwh, 4).ToString("R", CultureInfo.InvariantCulture)));
        }
    }

    private static string Id(CsvTable table, CsvRow row, int column, string what, Dictionary<string, int> seen)
    {
        var id = table.Field(row, column).Trim();
        if (id.Length == 0)
        {
            throw table.Error(row, column, $"field 'id': the {what} id is empty.");
        }

        if (!seen.TryAdd(id, row.Line))
        {
            throw table.Error(row, column, $"field 'id': {what} id '{id}' is already used on line {seen[id]}.");
        }

        return id;
    }

    private static string NonEmpty(CsvTable table, CsvRow row, int column, string id, string field)
    {
        var text = table.Field(row, column).Trim();
        return text.Length > 0 ? text : throw table.Error(row, column, $"'{id}' field '{field}': empty.");
    }

    private static GridArea Area(CsvTable table, CsvRow row, int column, string id)
    {
        var code = table.Field(row, column).Trim();
        return JapanAreas.TryFind(code, out var area) ? area : throw table.Error(row, column,
            $"offer '{id}' field 'area': unknown area '{code}' (known: {string.Join(", ", JapanAreas.All.Select(a => a.Code))}).");
    }

    private static double Number(CsvTable table, CsvRow row, int column, string id, string what, string field, bool positive)
    {
        var text = table.Field(row, column).Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw table.Error(row, column, $"{what} '{id}' field '{field}': '{text}' is not a number.");
        }

        if (positive ? value <= 0 : value < 0)
        {
            throw table.Error(row, column, $"{what} '{id}' field '{field}': {text} must be {(positive ? "above zero" : "zero or more")}.");
        }

        return value;
    }

    private static DateTimeOffset Instant(CsvTable table, CsvRow row, int column, string id, string field)
    {
        var text = table.Field(row, column);
        if (!Iso8601.TryParse(text, out var t, out var reason))
        {
            throw table.Error(row, column, $"{id} {field}: {reason}.");
        }

        if (t.Minute != 0 || t.Second != 0 || t.Millisecond != 0 || t.Offset.Minutes != 0)
        {
            throw table.Error(row, column, $"{id} {field}: {text.Trim()} is not on a whole hour.");
        }

        return t;
    }

    private static TimeWindow Window(CsvTable table, CsvRow row, int cStart, int cEnd, string id, string what, string startName, string endName,
        DateTimeOffset now)
    {
        var start = Instant(table, row, cStart, $"{what} '{id}'", $"field '{startName}'");
        var end = Instant(table, row, cEnd, $"{what} '{id}'", $"field '{endName}'");
        if (end <= start)
        {
            throw table.Error(row, cEnd, $"{what} '{id}' field '{endName}': {Iso8601.Format(end)} is not after its {startName} {Iso8601.Format(start)}.");
        }

        var currentHour = new DateTimeOffset(now.UtcDateTime.Ticks - (now.UtcDateTime.Ticks % Hour.Ticks), TimeSpan.Zero);
        if (start < currentHour)
        {
            throw table.Error(row, cStart, $"{what} '{id}' field '{startName}': {Iso8601.Format(start)} is in the past (now {Iso8601.Format(now)}).");
        }

        return new TimeWindow(start, end);
    }

    private static HashSet<string> Tags(CsvTable table, CsvRow row, int column, string id, string what, string field)
    {
        var text = table.Field(row, column).Trim();
        var tags = new HashSet<string>(StringComparer.Ordinal);
        if (text.Length == 0)
        {
            return tags;
        }

        foreach (var tag in text.Split(';', StringSplitOptions.TrimEntries))
        {
            if (!MarketTags.Known.Contains(tag))
            {
                throw table.Error(row, column, $"{what} '{id}' field '{field}': unknown tag '{tag}' (known: {string.Join(", ", MarketTags.Known)}).");
            }

            tags.Add(tag);
        }

        return tags;
    }
}
