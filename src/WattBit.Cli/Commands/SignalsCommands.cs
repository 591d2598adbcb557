using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Data.Reference;
using WattBit.Data.Signals;
using WattBit.Data.Storage;
using WattBit.Formats;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit signals</c>: carbon intensity, price or curtailment per area, from imported data or the reference year.</summary>
internal static class SignalsCommands
{
    public static Command Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var area = new Option<string[]>("--area") { Description = "Area code(s), e.g. TK (repeat or comma-separate); default all ten.", AllowMultipleArgumentsPerToken = true };
        var from = new Option<string?>("--from") { Description = "Start: a JST date (2025-04-01) or an ISO 8601 timestamp. Default today (JST), said on stderr." };
        var to = new Option<string?>("--to") { Description = "End (exclusive): date or timestamp. Default one day after --from." };
        var metric = new Option<string>("--metric") { Description = "carbon (gCO2/kWh), price (JPY/kWh) or curtailment (MWh per slot).", DefaultValueFactory = _ => "carbon" };
        metric.AcceptOnlyFromAmong("carbon", "price", "curtailment");
        var format = new Option<string>("--format") { Description = "csv (timestamp,location,value) or table.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "table");
        var source = new Option<string?>("--source")
        {
            Description = "reference (the synthetic year, no data needed) or store (imported data). Default: store when the store holds imported " +
                          "area actuals or JEPX prices, else reference; the choice is said on stderr.",
        };
        source.AcceptOnlyFromAmong("reference", "store");
        var basis = new Option<string>("--basis") { Description = "Carbon: lifecycle or direct emission factors.", DefaultValueFactory = _ => "lifecycle" };
        basis.AcceptOnlyFromAmong("lifecycle", "direct");
        var consumption = new Option<bool>("--consumption") { Description = "Carbon: consumption-based (imports traced over the interconnections) instead of production-based." };
        var seed = new Option<int>("--seed") { Description = "Reference year seed.", DefaultValueFactory = _ => 1 };
        var store = new Option<string?>("--store") { Description = $"Store for --source store (default ${WattBitStore.EnvironmentVariable} or {WattBitStore.DefaultFile})." };
        var output = new Option<string?>("--out") { Description = "Write the CSV to this file instead of the console." };
        var command = new Command("signals", "Carbon intensity, price or curtailment per area and half-hour (formats.md §5).")
        {
            area, from, to, metric, format, source, basis, consumption, seed, store, output,
        };
        command.SetAction((parse, ct) => RunAsync(new Request(
            parse.GetValue(area) ?? [], parse.GetValue(from), parse.GetValue(to), parse.GetValue(metric)!, parse.GetValue(format)!, parse.GetValue(source),
            parse.GetValue(basis) == "direct" ? EmissionBasis.Direct : EmissionBasis.Lifecycle, parse.GetValue(consumption), parse.GetValue(seed),
            parse.GetValue(store), parse.GetValue(output)), time, ct));
        return command;
    }

    private sealed record Request(string[] Areas, string? From, string? To, string Metric, string Format, string? Source, EmissionBasis Basis,
        bool Consumption, int Seed, string? Store, string? Output);

    private static async Task<int> RunAsync(Request r, TimeProvider time, CancellationToken ct)
    {
        var areas = r.Areas.Length == 0
            ? JapanAreas.All.ToList()
            : r.Areas.SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(AreaOption).Distinct().ToList();
        var window = Window(r.From, r.To, time);
        if (r.Consumption && r.Metric != "carbon")
        {
            throw new CliException("--consumption applies to --metric carbon only.");
        }

        if (r.Source is null)
        {
            var location = WattBitStore.ResolveLocation(r.Store);
            var imported = await HoldsImportedDataAsync(location, ct).ConfigureAwait(false);
            r = r with { Source = imported ? "store" : "reference" };
            await Console.Error.WriteLineAsync(imported
                ? $"signals: reading the data imported into {location} (--source reference for the synthetic reference year)."
                : $"signals: no imported data in {location}; reading the synthetic reference year, seed {r.Seed} (import TSO or JEPX files with `wattbit data import`).")
                .ConfigureAwait(false);
        }

        if (r.From is null)
        {
            var day = window.Start.ToOffset(Jst.Offset);
            await Console.Error.WriteLineAsync(r.Source == "reference"
                ? $"signals: no --from; showing today (JST), {day:yyyy-MM-dd}, as a day of the synthetic reference year for fiscal year {FiscalYear(window.Start)}, not measured data."
                : $"signals: no --from; showing today (JST), {day:yyyy-MM-dd}.").ConfigureAwait(false);
        }

        var signal = r.Source == "reference"
            ? FromReference(areas, window, r)
            : await FromStoreAsync(areas, window, r, ct).ConfigureAwait(false);
        if (r.Format == "csv")
        {
            if (r.Output is { } path)
            {
                await using var file = new StreamWriter(path);
                SignalCsv.Write(file, signal, Jst.Offset);
                AnsiConsole.MarkupLine($"Wrote {signal.Count * signal.Locations.Count:N0} rows to [bold]{Markup.Escape(path)}[/].");
            }
            else
            {
                SignalCsv.Write(Console.Out, signal, Jst.Offset);
            }

            return 0;
        }

        var unit = SignalCsv.UnitOf(signal.Kind).Symbol;
        var table = new Table().Border(TableBorder.Rounded).Title($"{r.Metric} ({unit}), {(r.Source == "reference" ? $"reference year, seed {r.Seed}" : "imported data")}");
        table.AddColumn("time (JST)");
        foreach (var l in signal.Locations)
        {
            table.AddColumn(new TableColumn(l).RightAligned());
        }

        for (var i = 0; i < signal.Count; i++)
        {
            var cells = new List<string> { (signal.Start + (signal.Step * i)).ToOffset(Jst.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) };
            cells.AddRange(signal.Locations.Select(l => signal[l][i] is var v && double.IsNaN(v) ? "[grey]missing[/]" : v.ToString("0.##", CultureInfo.InvariantCulture)));
            table.AddRow(cells.ToArray());
        }

        AnsiConsole.Write(table);
        return 0;
    }

    // Whether the store the user names (or the default one) exists and holds imported area actuals or JEPX prices; a
    // missing SQLite file is not created just to find that out.
    private static async Task<bool> HoldsImportedDataAsync(string location, CancellationToken ct)
    {
        var isPostgres = location.StartsWith("postgres", StringComparison.OrdinalIgnoreCase);
        var path = location.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? location["sqlite:".Length..] : location;
        if (!isPostgres && !File.Exists(path))
        {
            return false;
        }

        await using var store = await WattBitStore.OpenAsync(location, ct).ConfigureAwait(false);
        var infos = await store.ListSeriesAsync(ct).ConfigureAwait(false);
        return infos.Any(i => i.Key.Source is DataFileImporter.TsoSource or DataFileImporter.JepxSource);
    }

    internal static GridArea AreaOption(string code) => JapanAreas.TryFind(code, out var area)
        ? area
        : throw new CliException($"--area: unknown area '{code}'; known: {string.Join(", ", JapanAreas.All.Select(a => a.Code))}.");

    private static TimeWindow Window(string? from, string? to, TimeProvider time)
    {
        var start = from is null ? Today(time) : ParseInstant(from, "--from");
        var end = to is null ? start.AddDays(1) : ParseInstant(to, "--to");
        if (end <= start)
        {
            throw new CliException($"--to ({Iso8601.Format(end)}) must be after --from ({Iso8601.Format(start)}).");
        }

        if (start.Ticks % TimeSpan.FromMinutes(30).Ticks != 0 || end.Ticks % TimeSpan.FromMinutes(30).Ticks != 0)
        {
            throw new CliException("--from and --to must fall on half-hours.");
        }

        return new TimeWindow(start, end);
    }

    private static DateTimeOffset Today(TimeProvider time)
    {
        var now = time.GetUtcNow().ToOffset(Jst.Offset);
        return new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, Jst.Offset);
    }

    private static DateTimeOffset ParseInstant(string text, string option)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), Jst.Offset);
        }

        return Iso8601.TryParse(text, out var t, out var reason) ? t : throw new CliException($"{option}: {reason} (or a date like 2025-04-01, taken as JST).");
    }

    private static SignalSet FromReference(List<GridArea> areas, TimeWindow window, Request r)
    {
        // The reference year is a typical year: each fiscal year the window touches is generated with the same seed.
        var firstFy = FiscalYear(window.Start);
        var lastFy = FiscalYear(window.End - TimeSpan.FromTicks(1));
        if (lastFy - firstFy > 5)
        {
            throw new CliException("The window spans more than five fiscal years; ask for a shorter period.");
        }

        var years = Enumerable.Range(firstFy, lastFy - firstFy + 1).Select(fy => ReferenceYear.Generate(fy, r.Seed)).ToList();
        var mixes = JapanAreas.All.ToDictionary(a => a.Code,
            a => (IReadOnlyDictionary<string, TimeSeries>)years[0].Areas[a.Code].Mix.Keys.ToDictionary(k => k, k => Concat(years.Select(y => y.Areas[a.Code].Mix[k]), window)),
            StringComparer.Ordinal);
        var prices = JapanAreas.All.ToDictionary(a => a.Code, a => Concat(years.Select(y => y.Areas[a.Code].Price), window), StringComparer.Ordinal);
        return Compute(areas, mixes, prices, r);
    }

    private static async Task<SignalSet> FromStoreAsync(List<GridArea> areas, TimeWindow window, Request r, CancellationToken ct)
    {
        var location = WattBitStore.ResolveLocation(r.Store);
        await using var store = await WattBitStore.OpenAsync(location, ct).ConfigureAwait(false);
        var infos = await store.ListSeriesAsync(ct).ConfigureAwait(false);
        var mixes = new Dictionary<string, IReadOnlyDictionary<string, TimeSeries>>(StringComparer.Ordinal);
        var prices = new Dictionary<string, TimeSeries>(StringComparer.Ordinal);
        var needed = r.Consumption ? JapanAreas.All : areas;
        foreach (var area in needed)
        {
            if (r.Metric == "price")
            {
                var info = infos.FirstOrDefault(i => i.Key.Location == area.Code && i.Key.Metric == "price" && i.Key.Source == DataFileImporter.JepxSource)
                    ?? throw new CliException($"The store ({store.Description}) has no JEPX price for {area.Code}; import spot_summary_*.csv with `wattbit data import` or use --source reference.");
                prices[area.Code] = await ReadCoveringAsync(store, info.Key, window, ct).ConfigureAwait(false);
                continue;
            }

            var keys = infos.Where(i => i.Key.Location == area.Code && i.Key.Source == DataFileImporter.TsoSource).Select(i => i.Key).ToList();
            if (keys.Count == 0)
            {
                throw new CliException($"The store ({store.Description}) has no area actuals for {area.Code}{(r.Consumption ? " (consumption-based intensity needs every area)" : "")}; import eria_jukyu_*.csv with `wattbit data import` or use --source reference.");
            }

            var mix = new Dictionary<string, TimeSeries>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                mix[key.Metric] = await ReadCoveringAsync(store, key, window, ct).ConfigureAwait(false);
            }

            mixes[area.Code] = mix;
        }

        return Compute(areas, mixes, prices, r);
    }

    private static async Task<TimeSeries> ReadCoveringAsync(IWattBitStore store, SeriesKey key, TimeWindow window, CancellationToken ct)
    {
        var s = await store.ReadSeriesAsync(key, window, ct).ConfigureAwait(false)
            ?? throw new CliException($"The store has no {key} data in {window}.");
        if (s.Start != window.Start || s.End != window.End)
        {
            // Pad to the window so that slots without data are reported as missing, never silently dropped.
            var values = new double[(int)(window.Duration.Ticks / s.Step.Ticks)];
            Array.Fill(values, double.NaN);
            for (var i = 0; i < s.Count; i++)
            {
                var j = (int)((s.TimeAt(i) - window.Start).Ticks / s.Step.Ticks);
                if (j >= 0 && j < values.Length)
                {
                    values[j] = s[i];
                }
            }

            return TimeSeries.Wrap(window.Start, s.Step, values, s.Unit, key.ToString());
        }

        return s;
    }

    private static SignalSet Compute(List<GridArea> areas, IReadOnlyDictionary<string, IReadOnlyDictionary<string, TimeSeries>> mixes,
        IReadOnlyDictionary<string, TimeSeries> prices, Request r)
    {
        switch (r.Metric)
        {
            case "price":
                foreach (var a in areas.Where(a => !prices.ContainsKey(a.Code)))
                {
                    throw new CliException($"{a.Code}: no price (Okinawa is not part of JEPX).");
                }

                return new SignalSet(SignalKind.Price, areas.Select(a => new KeyValuePair<string, TimeSeries>(a.Code, prices[a.Code].WithName(a.Code))));
            case "curtailment":
                return new SignalSet(SignalKind.Curtailment, areas.Select(a => new KeyValuePair<string, TimeSeries>(a.Code, GridSignals.Curtailment(mixes[a.Code], a.Code))));
            default:
                if (!r.Consumption)
                {
                    return new SignalSet(SignalKind.Carbon, areas.Select(a => new KeyValuePair<string, TimeSeries>(a.Code,
                        CarbonIntensityCalculator.Production(mixes[a.Code], r.Basis).WithName(a.Code))));
                }

                var net = mixes.Where(m => m.Value.ContainsKey(SupplyDemandKeys.Interconnection))
                    .ToDictionary(m => m.Key, m => m.Value[SupplyDemandKeys.Interconnection], StringComparer.Ordinal);
                var flows = InterAreaFlows.EstimateFromNetImports(net);
                var all = GridSignals.ConsumptionCarbon(mixes, flows, r.Basis);
                return new SignalSet(SignalKind.Carbon, areas.Select(a => new KeyValuePair<string, TimeSeries>(a.Code, all[a.Code])));
        }
    }

    private static int FiscalYear(DateTimeOffset t)
    {
        var local = t.ToOffset(Jst.Offset);
        return local.Month >= 4 ? local.Year : local.Year - 1;
    }

    private static TimeSeries Concat(IEnumerable<TimeSeries> parts, TimeWindow window)
    {
        var list = parts.ToList();
        var values = new List<double>();
        foreach (var p in list)
        {
            values.AddRange(p.Values.ToArray());
        }

        var all = TimeSeries.Wrap(list[0].Start, list[0].Step, [.. values], list[0].Unit, list[0].Name);
        return all.Slice(window);
    }
}
