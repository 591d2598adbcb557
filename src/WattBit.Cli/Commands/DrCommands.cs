using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WattBit.Formats;
using WattBit.Planning.Flexibility;
using WattBit.Time;

namespace WattBit.Cli.Commands;

/// <summary>
/// <c>wattbit dr ...</c>: demand response. <c>dr baseline</c> computes the ERAB guideline's standard baseline for an
/// event from a meter file (formats.md section 9) and the energy delivered against it.
/// </summary>
internal static class DrCommands
{
    public static Command Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var command = new Command("dr", "Demand response: baselines and delivered energy from metered data.");
        command.Subcommands.Add(Baseline());
        command.Subcommands.Add(Offers(time));
        command.Subcommands.Add(Request(time));
        return command;
    }

    private static Command Baseline()
    {
        var meter = new Option<FileInfo>("--meter") { Description = "Meter file (timestamp,kwh; one row per 30-minute slot).", Required = true };
        var window = new Option<string>("--event") { Description = "Event window START/END, ISO 8601 with offset, on 30-minute boundaries within one day (e.g. 2025-07-09T13:00+09:00/2025-07-09T15:00+09:00).", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Write timestamp,baseline_kwh,actual_kwh,delivered_kwh per slot to this CSV file." };
        var exclude = new Option<string[]>("--exclude-day") { Description = "An earlier DR event day (YYYY-MM-DD) kept out of the baseline's days; repeat for several.", AllowMultipleArgumentsPerToken = false };
        var commit = new Option<string?>("--commit") { Description = "The commitment to settle, MW: one value for every slot, or one per 30-minute slot of the event separated by commas (a profile, e.g. 4,4,2,2); adds committed, credited and shortfall kWh per slot." };
        var up = new Option<bool>("--up") { Description = "With --commit: a request to raise consumption (上げDR), credited by actual − baseline." };
        var command = new Command("baseline", "Compute the ERAB High 4 of 5 baseline (High 2 of 3 on weekends and holidays) with same-day adjustment, and the kWh delivered per slot.")
        {
            meter, window, output, exclude, commit, up,
        };
        command.SetAction(parse => RunBaseline(parse.GetValue(meter)!, parse.GetValue(window)!, parse.GetValue(output), parse.GetValue(exclude) ?? [],
            parse.GetValue(commit), parse.GetValue(up)));
        return command;
    }

    private static Command Offers(TimeProvider time)
    {
        var scenario = new Option<FileInfo>("--scenario") { Description = "Planning scenario (YAML, see samples/planning/watt-bit-day.yaml).", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Write every offer as CSV to this file." };
        var notice = new Option<double>("--notice") { Description = "Notice the fleet asks for, in minutes.", DefaultValueFactory = _ => 15 };
        var duration = new Option<double>("--duration") { Description = "How long an offered change holds, in hours.", DefaultValueFactory = _ => 1 };
        var premium = new Option<double>("--premium") { Description = "JPY/kWh added to the plan's cost of energy in the asking price.", DefaultValueFactory = _ => 0 };
        var command = new Command("offers", "Plan the scenario's day and offer, per site and hour, the MW up and down the plan can deliver (battery, deferrable work) at a notice and price.")
        {
            scenario, output, notice, duration, premium,
        };
        command.SetAction(parse => RunOffers(time, parse.GetValue(scenario)!, parse.GetValue(output), parse.GetValue(notice), parse.GetValue(duration), parse.GetValue(premium)));
        return command;
    }

    internal static int RunOffers(TimeProvider time, FileInfo scenarioFile, FileInfo? output, double noticeMinutes, double durationHours, double premium)
    {
        if (!double.IsFinite(noticeMinutes) || noticeMinutes < 0)
        {
            throw new CliException($"--notice must be zero or more minutes (got {noticeMinutes}).");
        }

        if (!double.IsFinite(durationHours) || durationHours <= 0)
        {
            throw new CliException($"--duration must be a positive number of hours (got {durationHours}).");
        }

        if (!double.IsFinite(premium))
        {
            throw new CliException("--premium must be a number.");
        }

        var scenario = ScenarioLayers.Read(scenarioFile.FullName);
        var plan = new Planning.Planner.OptimisingPlanner(time).Plan(scenario.Problem);
        var terms = new FlexibilityTerms { Notice = TimeSpan.FromMinutes(noticeMinutes), Duration = TimeSpan.FromHours(durationHours), PremiumYenPerKwh = premium };
        var offers = FlexibilityOffers.FromPlan(scenario.Problem, plan, terms);
        var table = new Table().Border(TableBorder.Rounded).Title(FormattableString.Invariant($"[bold]Flexibility offers from the {Markup.Escape(plan.Method)} plan ({offers.Count} offers, {terms.Notice.TotalMinutes:0} min notice, {terms.Duration.TotalHours:0.##} h)[/]"));
        table.AddColumn("site");
        foreach (var h in new[] { "hours offered down", "max MW down", "MWh down", "hours offered up", "max MW up", "MWh up" })
        {
            table.AddColumn(new TableColumn(h).RightAligned());
        }

        foreach (var g in offers.GroupBy(o => o.Site))
        {
            var down = g.Where(o => o.Direction == FlexDirection.Down).ToList();
            var up = g.Where(o => o.Direction == FlexDirection.Up).ToList();
            table.AddRow(Markup.Escape(g.Key.ToString()), down.Count.ToString(CultureInfo.InvariantCulture), K(down.Select(o => o.Power.Megawatts).DefaultIfEmpty().Max()),
                K(down.Sum(o => o.Power.Megawatts * durationHours)), up.Count.ToString(CultureInfo.InvariantCulture),
                K(up.Select(o => o.Power.Megawatts).DefaultIfEmpty().Max()), K(up.Sum(o => o.Power.Megawatts * durationHours)));
        }

        Ui.Out.Write(table);
        if (output is not null)
        {
            using var writer = new StreamWriter(output.FullName);
            writer.WriteLine("site,area,start,end,direction,mw,battery_mw,work_mw,notice_min,price_jpy_per_kwh,generator_mw");
            foreach (var o in offers)
            {
                writer.WriteLine(string.Join(',', Csv.Escape(o.Site.ToString()), o.Area, Iso8601.Format(o.Window.Start), Iso8601.Format(o.Window.End),
                    o.Direction == FlexDirection.Down ? "down" : "up", K(o.Power.Megawatts), K(o.FromBattery.Megawatts), K(o.FromWork.Megawatts),
                    K(o.Notice.TotalMinutes), K(o.Price.YenPerKilowattHour), K(o.FromGenerator.Megawatts)));
            }

            Ui.Out.MarkupLine($"Wrote [bold]{Markup.Escape(output.FullName)}[/].");
        }

        return 0;
    }

    private static Command Request(TimeProvider time)
    {
        var scenario = new Option<FileInfo>("--scenario") { Description = "Planning scenario (YAML) whose day the fleet plans and offers from.", Required = true };
        var area = new Option<string>("--area") { Description = "Area code the request is for (for example TK).", Required = true };
        var mw = new Option<double>("--mw") { Description = "MW asked for (positive).", Required = true };
        var window = new Option<string>("--window") { Description = "START/END of the request, ISO 8601 with offset; START must be an offer window's start (a plan hour plus the notice).", Required = true };
        var notice = new Option<double>("--notice") { Description = "Notice the request gives, in minutes.", DefaultValueFactory = _ => 15 };
        var up = new Option<bool>("--up") { Description = "Ask for more consumption (上げDR) instead of less; answered but not delivered." };
        var command = new Command("request", "Answer an area-wide DR request from the plan's offers, commit, and deliver it through the dispatcher: committed, delivered, shortfall and why.")
        {
            scenario, area, mw, window, notice, up,
        };
        command.SetAction(parse => RunRequest(time, parse.GetValue(scenario)!, parse.GetValue(area)!, parse.GetValue(mw), parse.GetValue(window)!,
            parse.GetValue(notice), parse.GetValue(up)));
        return command;
    }

    internal static int RunRequest(TimeProvider time, FileInfo scenarioFile, string area, double mw, string windowText, double noticeMinutes, bool up)
    {
        if (!double.IsFinite(mw) || mw <= 0)
        {
            throw new CliException($"--mw must be a positive number (got {mw}).");
        }

        if (!double.IsFinite(noticeMinutes) || noticeMinutes < 0)
        {
            throw new CliException($"--notice must be zero or more minutes (got {noticeMinutes}).");
        }

        var window = ParseWindow("--window", windowText);
        var scenario = ScenarioLayers.Read(scenarioFile.FullName);
        var problem = scenario.Problem;
        if (!problem.Sites.Any(s => string.Equals(s.Site.Area.Code, area, StringComparison.OrdinalIgnoreCase)))
        {
            throw new CliException($"--area: the scenario has no site in area '{area}' (it has {string.Join(", ", problem.Sites.Select(s => s.Site.Area.Code).Distinct())}).");
        }

        var plan = new Planning.Planner.OptimisingPlanner(time).Plan(problem);
        var offers = FlexibilityOffers.FromPlan(problem, plan);
        var request = new AreaRequest("cli", area.ToUpperInvariant(), up ? FlexDirection.Up : FlexDirection.Down, Units.Power.FromMegawatts(mw), window,
            window.Start - TimeSpan.FromMinutes(noticeMinutes));
        var answer = AreaRequests.Answer(request, offers);
        var ui = Ui.Out;
        ui.MarkupLine(Markup.Escape(FormattableString.Invariant(
            $"Request: {(up ? "raise" : "lower")} {area.ToUpperInvariant()} by {mw:0.###} MW over {window} at {noticeMinutes:0} min notice. Available {answer.Available.Megawatts:0.###} MW, committed {answer.Committed.Megawatts:0.###} MW.")));
        if (answer.Note.Length > 0)
        {
            ui.MarkupLine(Markup.Escape(answer.Note));
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "site", "committed MW", "price JPY/kWh", "delivered MW", "shortfall MW", "why" })
        {
            table.AddColumn(h);
        }

        if (up)
        {
            foreach (var c in answer.Commitments)
            {
                table.AddRow(Markup.Escape(c.Site.ToString()), K(c.Power.Megawatts), K(c.Price.YenPerKilowattHour), "-", "-", "up requests are not delivered by the dispatcher");
            }
        }
        else
        {
            var report = AreaRequests.Deliver(answer, problem, plan, new Planning.Dispatch.Dispatcher(time));
            var prices = answer.Commitments.ToDictionary(c => c.Site, c => c.Price);
            foreach (var s in report.Sites)
            {
                table.AddRow(Markup.Escape(s.Site.ToString()), K(s.Committed.Megawatts), K(prices[s.Site].YenPerKilowattHour), K(s.Delivered.Megawatts),
                    K(s.Shortfall.Megawatts), Markup.Escape(s.Why));
            }

            table.AddRow("[bold]total[/]", K(report.Committed.Megawatts), string.Empty, K(report.Delivered.Megawatts), K(report.Shortfall.Megawatts), string.Empty);
        }

        ui.Write(table);
        return 0;
    }

    internal static int RunBaseline(FileInfo meterFile, string eventText, FileInfo? output, string[] excludedDays, string? commitText = null, bool up = false)
    {
        var @event = ParseWindow("--event", eventText);
        var profile = commitText is null ? null : ParseProfile(commitText, @event);
        var excluded = new HashSet<DateOnly>();
        foreach (var text in excludedDays)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                throw new CliException($"--exclude-day: '{text}' is not a date like 2025-07-08.");
            }

            excluded.Add(d);
        }

        var readings = MeterCsv.ReadFile(meterFile.FullName);
        BaselineResult result;
        try
        {
            result = DrBaseline.Compute(readings, @event, Forecasting.Calendar.JapaneseCalendar.IsHoliday, excluded);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--event: {ex.Message.Split(" (Parameter", 2)[0]}");
        }

        if (!result.IsComputable)
        {
            throw new CliException($"baseline not computable: {result.Reason}");
        }

        var ui = Ui.Out;
        var variant = result.DayKind == BaselineDayKind.Weekday ? "weekday, High 4 of 5" : "weekend/holiday, High 2 of 3";
        ui.MarkupLine(Markup.Escape(FormattableString.Invariant(
            $"Baseline for {@event} ({variant}): days used {Days(result.UsedDays)}; pool {Days(result.PoolDays)}") +
            (result.LowDays.Count > 0 ? $"; left out as low days {Days(result.LowDays)}" : string.Empty) +
            FormattableString.Invariant($"; same-day adjustment {result.Adjustment.KilowattHours:+0.###;-0.###;0} kWh per slot.")));
        var credit = profile is null ? null : DrCredit.Settle(result, up ? FlexDirection.Up : FlexDirection.Down, profile);
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("slot");
        string[] headers = ["baseline kWh", "actual kWh", "delivered kWh", "committed kWh", "credited kWh", "shortfall kWh"];
        foreach (var h in headers.Take(credit is null ? 3 : 6))
        {
            table.AddColumn(new TableColumn(h).RightAligned());
        }

        for (var i = 0; i < result.Slots.Count; i++)
        {
            var s = result.Slots[i];
            string[] row = [Iso8601.Format(s.Start), K(s.Baseline.KilowattHours), K(s.Actual.KilowattHours), K(s.Delivered.KilowattHours)];
            table.AddRow(credit is null ? row : row.Concat(new[] { K(credit.Slots[i].Committed.KilowattHours), K(credit.Slots[i].Credited.KilowattHours), K(credit.Slots[i].Shortfall.KilowattHours) }).ToArray());
        }

        string[] total = ["[bold]total[/]", K(result.TotalBaseline.KilowattHours), K(result.TotalActual.KilowattHours), $"[bold]{K(result.TotalDelivered.KilowattHours)}[/]"];
        table.AddRow(credit is null ? total : total.Concat(new[] { K(credit.Committed.KilowattHours), $"[bold]{K(credit.Credited.KilowattHours)}[/]", K(credit.Shortfall.KilowattHours) }).ToArray());
        ui.Write(table);
        if (credit is not null)
        {
            ui.MarkupLine(Markup.Escape(FormattableString.Invariant(
                $"Committed {credit.Committed.KilowattHours:0.###} kWh ({(up ? "up" : "down")}), credited {credit.Credited.KilowattHours:0.###} kWh (each slot within its own commitment), shortfall {credit.Shortfall.KilowattHours:0.###} kWh.")));
        }

        if (output is not null)
        {
            using var writer = new StreamWriter(output.FullName);
            writer.WriteLine("timestamp,baseline_kwh,actual_kwh,delivered_kwh" + (credit is null ? "" : ",committed_kwh,credited_kwh,shortfall_kwh"));
            for (var i = 0; i < result.Slots.Count; i++)
            {
                var s = result.Slots[i];
                var line = string.Join(',', Iso8601.Format(s.Start), K(s.Baseline.KilowattHours), K(s.Actual.KilowattHours), K(s.Delivered.KilowattHours));
                writer.WriteLine(credit is null ? line
                    : string.Join(',', line, K(credit.Slots[i].Committed.KilowattHours), K(credit.Slots[i].Credited.KilowattHours), K(credit.Slots[i].Shortfall.KilowattHours)));
            }

            ui.MarkupLine($"Wrote [bold]{Markup.Escape(output.FullName)}[/].");
        }

        return 0;
    }

    /// <summary>--commit: one MW for every slot of the event, or one per slot (comma-separated).</summary>
    private static CommitmentProfile ParseProfile(string text, TimeWindow @event)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new Units.Power[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var mw) || !double.IsFinite(mw) || mw < 0)
            {
                throw new CliException($"--commit: value {i + 1} '{parts[i]}' is not a number of MW ≥ 0.");
            }

            values[i] = Units.Power.FromMegawatts(mw);
        }

        try
        {
            return values.Length == 1 ? CommitmentProfile.Flat(@event, values[0]) : new CommitmentProfile(@event, values);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--commit: {ex.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static TimeWindow ParseWindow(string option, string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2)
        {
            throw new CliException($"{option}: '{text}' is not START/END (two ISO 8601 timestamps separated by '/').");
        }

        var start = Iso8601.TryParse(parts[0], out var s, out var r1) ? s : throw new CliException($"{option}: start: {r1}.");
        var end = Iso8601.TryParse(parts[1], out var e, out var r2) ? e : throw new CliException($"{option}: end: {r2}.");
        return end > start ? new TimeWindow(start, end) : throw new CliException($"{option}: the end {parts[1]} must be after the start {parts[0]}.");
    }

    private static string Days(IReadOnlyList<DateOnly> days) => string.Join(' ', days.Select(d => d.ToString("MM-dd", CultureInfo.InvariantCulture)));

    private static string K(double kwh) => kwh.ToString("0.###", CultureInfo.InvariantCulture);
}
