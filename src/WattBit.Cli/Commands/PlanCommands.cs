using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using WattBit.Formats;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Time;

namespace WattBit.Cli.Commands;

/// <summary>
/// <c>wattbit plan --scenario FILE</c>: the day-ahead workload-shift plan (per-site hourly power caps, job placements,
/// battery schedules), an optional comparison with no shifting and greedy carbon-aware shifting, and the dispatcher's
/// answers to the scenario's events.
/// </summary>
internal static class PlanCommands
{
    public static Command Create(TimeProvider time)
    {
        var scenario = new Option<FileInfo>("--scenario") { Description = "Scenario file (YAML; see samples/planning/).", Required = true };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder to write caps.csv, placements.csv, inference.csv and dispatch.csv into." };
        var compare = new Option<bool>("--compare") { Description = "Also plan without shifting and with greedy carbon-aware shifting, and compare." };
        var confidence = new Option<double?>("--confidence") { Description = "Probability of staying within flexible headroom, in [0.5, 1) (overrides the scenario)." };
        var timeLimit = new Option<double>("--time-limit") { Description = "Seconds the LP may run before the planner falls back to its heuristic.", DefaultValueFactory = _ => 20 };
        var jobs = new Option<int>("--show-jobs") { Description = "How many job placements to list.", DefaultValueFactory = _ => 20 };
        var command = new Command("plan", "Plan where and when workloads run, what each site draws hour by hour and what batteries do; replay dispatch events.")
        {
            scenario, output, compare, confidence, timeLimit, jobs,
        };
        command.SetAction((parse, ct) => Task.FromResult(Run(time, parse.GetValue(scenario)!, parse.GetValue(output), parse.GetValue(compare),
            parse.GetValue(confidence), parse.GetValue(timeLimit), parse.GetValue(jobs), ct)));
        return command;
    }

    internal static int Run(TimeProvider time, FileInfo scenarioFile, DirectoryInfo? output, bool compare, double? confidence, double timeLimit,
        int showJobs, CancellationToken ct)
    {
        if (timeLimit <= 0)
        {
            throw new CliException($"--time-limit must be positive (got {timeLimit}).");
        }

        var scenario = ScenarioLayers.Read(scenarioFile.FullName);
        var problem = scenario.Problem;
        if (confidence is { } c)
        {
            problem = problem.WithConfidence(c);
        }

        var console = AnsiConsole.Console;
        var planners = new List<IPlanner> { new OptimisingPlanner(time, TimeSpan.FromSeconds(timeLimit)) };
        if (compare)
        {
            planners.Add(new NoShiftPlanner(time));
            planners.Add(new GreedyCarbonPlanner(time));
        }

        var plans = new List<Plan>();
        console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("Planning", maxValue: planners.Count);
                foreach (var planner in planners)
                {
                    task.Description = $"Planning ({planner.Name})";
                    plans.Add(planner.Plan(problem, ct));
                    task.Increment(1);
                }
            });
        var plan = plans[0];
        console.MarkupLine($"[bold]Plan[/] {Markup.Escape(scenarioFile.Name)}: {problem.Sites.Count} sites, {problem.Workloads.Count} workloads, " +
                           $"{problem.Steps} h from {Iso8601.Format(problem.Start)}, confidence {problem.Confidence:0.##}");
        console.Write(SiteTable(plan, problem));
        console.Write(JobTable(plan, showJobs));
        console.Write(SummaryTable(plans));
        foreach (var note in plan.Notes)
        {
            console.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        }

        var decisions = scenario.Events.Select(e => new Dispatcher(time).Handle(e, FleetState.FromPlan(problem, plan, e.IssuedAt), ct)).ToList();
        foreach (var d in decisions)
        {
            console.Write(DecisionTable(d));
        }

        if (output is not null)
        {
            Write(output, plan, problem, decisions);
            console.MarkupLine($"wrote caps.csv, placements.csv, inference.csv, dispatch.csv to {Markup.Escape(output.FullName)}");
        }

        return 0;
    }

    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    private static Table SiteTable(Plan plan, PlanningProblem problem)
    {
        var t = new Table().Title("Per-site plan").AddColumns("site", "name", "area", "connection", "min limit MW", "peak cap MW", "grid MWh", "battery out MWh", "mean IT MW");
        for (var i = 0; i < plan.Sites.Count; i++)
        {
            var s = plan.Sites[i];
            var site = problem.Sites[i];
            t.AddRow(Markup.Escape(s.Site.Value), Markup.Escape(site.Site.Name), site.Site.Area.Code, site.Connection.Kind.ToString(),
                F(Min(s.LimitMw.Values)), F(Max(s.CapMw.Values)), F(Sum(s.CapMw.Values)), F(Sum(s.DischargeMw.Values)), F(Sum(s.ItLoadMw.Values) / s.ItLoadMw.Count));
        }

        return t;
    }

    private static Table JobTable(Plan plan, int show)
    {
        var t = new Table().Title($"Job placements (first {Math.Min(show, plan.Jobs.Count)} of {plan.Jobs.Count})")
            .AddColumns("job", "kind", "owner", "site", "runs (JST)", "late MWh", "why");
        foreach (var j in plan.Jobs.Take(show))
        {
            var runs = string.Join(" ", j.Runs.Select(r => $"{r.Start.ToOffset(Jst.Offset):dd HH}-{r.End.ToOffset(Jst.Offset):HH}h"));
            t.AddRow(Markup.Escape(j.JobId), j.Kind.ToString(), Markup.Escape(j.Owner), Markup.Escape(j.Site?.Value ?? "-"), Markup.Escape(runs),
                F(j.Late.MegawattHours), Markup.Escape(j.Reason));
        }

        return t;
    }

    private static Table SummaryTable(List<Plan> plans)
    {
        var t = new Table().Title("Summary").AddColumn("metric");
        foreach (var p in plans)
        {
            t.AddColumn(p.Method, c => c.RightAligned());
        }

        void Row(string name, Func<Plan, string> value) => t.AddRow([name, .. plans.Select(value)]);
        Row("energy cost (JPY)", p => F(p.Summary.EnergyCost.Yen, "#,0"));
        Row("emissions (t CO2)", p => F(p.Summary.Emissions.Tonnes, "#,0.0"));
        Row("grid energy (MWh)", p => F(p.Summary.GridEnergy.MegawattHours, "#,0.0"));
        if (plans.Exists(p => p.Summary.GeneratorEnergy.MegawattHours > 0))
        {
            // Dispatchable on-site generation the optimiser scheduled (decision 0148); not part of the grid rows above.
            Row("on-site generation (MWh)", p => F(p.Summary.GeneratorEnergy.MegawattHours, "#,0.0"));
            Row("on-site generation (t CO2)", p => F(p.Summary.GeneratorEmissions.Tonnes, "#,0.0"));
            Row("on-site generation fuel (JPY)", p => F(p.Summary.GeneratorCost.Yen, "#,0"));
        }

        Row("curtailed renewable absorbed (MWh)", p => F(p.Summary.SurplusAbsorbed.MegawattHours, "#,0.0"));
        Row("late work (MWh)", p => F(p.Summary.LateWork.MegawattHours, "#,0.00"));
        Row("unplanned work (MWh)", p => F(p.Summary.UnservedWork.MegawattHours, "#,0.00"));
        Row("unserved inference (MWh eq.)", p => F(p.Summary.UnservedInference.MegawattHours, "#,0.00"));
        Row("objective (JPY)", p => F(p.Summary.Objective.Yen, "#,0"));
        Row("best bound (JPY)", p => p.Summary.BestBound is { } b ? F(b.Yen, "#,0") : "-");
        Row("gap", p => p.Summary.Gap is { } g ? F(g * 100, "0.00") + " %" : "-");
        Row("time (s)", p => F(p.Summary.Elapsed.TotalSeconds, "0.00"));
        Row("method", p => Markup.Escape(p.Summary.Status));
        return t;
    }

    private static Table DecisionTable(DispatchDecision d)
    {
        var title = d.Event switch
        {
            CurtailmentOrder c => $"Curtailment of {c.Site} by {F(c.Shed.Megawatts)} MW at {c.IssuedAt.ToOffset(Jst.Offset):HH:mm}, notice {F(c.Notice.TotalMinutes)} min",
            HeadroomChange h => $"Headroom of {h.Site} drops to {F(h.NewLimit.Megawatts)} MW at {h.IssuedAt.ToOffset(Jst.Offset):HH:mm}, notice {F(h.Notice.TotalMinutes)} min",
            SiteFailure f => $"Failure of {f.Site} at {f.IssuedAt.ToOffset(Jst.Offset):HH:mm}",
            InferenceSurge s => $"Surge of {s.ServiceId} by {F(s.ExtraRequestsPerSecond)} req/s at {s.IssuedAt.ToOffset(Jst.Offset):HH:mm}",
            _ => d.Event.ToString(),
        };
        var verdict = d.Met ? "[green]met[/]" : "[red]NOT met[/]";
        var t = new Table().Title($"{Markup.Escape(title)}: required {F(d.Required.Megawatts)} MW, achieved {F(d.Achieved.Megawatts)} MW, " +
                                  $"{(d.UsedFallback ? "fallback, " : string.Empty)}{verdict}")
            .AddColumns("action", "workload", "from", "to", "units", "relief MW", "in place (JST)", "why");
        foreach (var a in d.Actions)
        {
            t.AddRow(a.Kind.ToString(), Markup.Escape(a.WorkloadId), Markup.Escape(a.From.Value), Markup.Escape(a.To?.Value ?? "-"),
                a.Units.ToString(CultureInfo.InvariantCulture), F(a.GridRelief.Megawatts), $"{a.CompletesAt.ToOffset(Jst.Offset):HH:mm}", Markup.Escape(a.Reason));
        }

        foreach (var r in d.Refused)
        {
            t.AddRow("[yellow]refused[/]", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, Markup.Escape(r));
        }

        return t;
    }

    private static void Write(DirectoryInfo output, Plan plan, PlanningProblem problem, List<DispatchDecision> decisions)
    {
        output.Create();
        var caps = new StringBuilder("site,time,limit_mw,cap_mw,it_mw,charge_mw,discharge_mw,generation_used_mw,soc_mwh\n");
        foreach (var s in plan.Sites)
        {
            for (var t = 0; t < s.CapMw.Count; t++)
            {
                caps.Append(CultureInfo.InvariantCulture, $"{Csv.Escape(s.Site.Value)},{Iso8601.Format(s.CapMw.TimeAt(t))},{F(s.LimitMw[t], "0.####")},{F(s.CapMw[t], "0.####")},{F(s.ItLoadMw[t], "0.####")},{F(s.ChargeMw[t], "0.####")},{F(s.DischargeMw[t], "0.####")},{F(s.GenerationUsedMw[t], "0.####")},{F(s.BatterySocMwh[t], "0.####")}\n");
            }
        }

        var power = problem.Workloads.OfType<DeferrableJob>().ToDictionary(w => w.Id, w => w.Power, StringComparer.Ordinal);
        var placements = new StringBuilder("id,kind,owner,site,start,end,late_mwh,unplanned_mwh,reason\n");
        foreach (var j in plan.Jobs)
        {
            if (j.Runs.Count == 0)
            {
                placements.Append(CultureInfo.InvariantCulture, $"{Csv.Escape(j.JobId)},{j.Kind},{Csv.Escape(j.Owner)},,,,{F(j.Late.MegawattHours, "0.####")},{F(j.Unserved.MegawattHours, "0.####")},{Csv.Escape(j.Reason)}\n");
            }

            // The runs end when the work is done (the planner's steps are whole hours).
            var runs = j.WorkRuns(power[j.JobId]);
            for (var k = 0; k < runs.Count; k++)
            {
                var r = runs[k];
                placements.Append(CultureInfo.InvariantCulture, $"{Csv.Escape(j.JobId)},{j.Kind},{Csv.Escape(j.Owner)},{Csv.Escape(j.SiteOf(k).Value)},{Iso8601.Format(r.Start)},{Iso8601.Format(r.End)},{F(j.Late.MegawattHours, "0.####")},{F(j.Unserved.MegawattHours, "0.####")},{Csv.Escape(j.Reason)}\n");
            }
        }

        var inference = new StringBuilder("service,site,time,replicas\n");
        foreach (var p in plan.Inference)
        {
            for (var t = 0; t < p.Replicas.Count; t++)
            {
                inference.Append(CultureInfo.InvariantCulture, $"{Csv.Escape(p.ServiceId)},{Csv.Escape(p.Site.Value)},{Iso8601.Format(p.Replicas.TimeAt(t))},{F(p.Replicas[t], "0")}\n");
            }
        }

        var dispatch = new StringBuilder("event,issued,action,workload,from,to,units,relief_mw,completes,met,fallback,reason\n");
        foreach (var d in decisions)
        {
            foreach (var a in d.Actions)
            {
                dispatch.Append(CultureInfo.InvariantCulture, $"{d.Event.GetType().Name},{Iso8601.Format(d.Event.IssuedAt)},{a.Kind},{Csv.Escape(a.WorkloadId)},{Csv.Escape(a.From.Value)},{Csv.Escape(a.To?.Value ?? string.Empty)},{a.Units},{F(a.GridRelief.Megawatts, "0.####")},{Iso8601.Format(a.CompletesAt)},{d.Met},{d.UsedFallback},{Csv.Escape(a.Reason)}\n");
            }
        }

        File.WriteAllText(Path.Combine(output.FullName, "caps.csv"), caps.ToString());
        File.WriteAllText(Path.Combine(output.FullName, "placements.csv"), placements.ToString());
        File.WriteAllText(Path.Combine(output.FullName, "inference.csv"), inference.ToString());
        File.WriteAllText(Path.Combine(output.FullName, "dispatch.csv"), dispatch.ToString());
    }

    private static double Min(ReadOnlySpan<double> v)
    {
        var m = double.MaxValue;
        foreach (var x in v)
        {
            m = Math.Min(m, x);
        }

        return m;
    }

    private static double Max(ReadOnlySpan<double> v)
    {
        var m = double.MinValue;
        foreach (var x in v)
        {
            m = Math.Max(m, x);
        }

        return m;
    }

    private static double Sum(ReadOnlySpan<double> v)
    {
        var m = 0.0;
        foreach (var x in v)
        {
            m += x;
        }

        return m;
    }
}
