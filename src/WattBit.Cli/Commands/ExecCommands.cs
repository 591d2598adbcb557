using System.CommandLine;
using Spectre.Console;
using WattBit.Execution;
using WattBit.Execution.Slurm;
using WattBit.Formats;
using WattBit.Sites;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit exec</c>: runs a shifted schedule on Slurm and carries out curtailments on its partitions.</summary>
internal static class ExecCommands
{
    public static Command Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var exec = new Command("exec", "Execute on a job engine (Slurm): submit a schedule at its planned times, show job states, curtail and lift a site.");
        exec.Subcommands.Add(SubmitCommand(time));
        exec.Subcommands.Add(StatusCommand(time));
        exec.Subcommands.Add(FollowCommand(time));
        exec.Subcommands.Add(CurtailCommand(time));
        exec.Subcommands.Add(LiftCommand(time));
        return exec;
    }

    private static Option<string?> SlurmConf() => new("--slurm-conf") { Description = "slurm.conf to use (default: $SLURM_CONF or /etc/slurm/slurm.conf)." };

    private static Option<string> PartitionMap() => new("--partition-map")
    {
        Description = "Slurm partition of each site: SITE=partition,... (for example TK=tk,KN=kn).",
        Required = true,
    };

    private static SlurmJobEngine Engine(ParseResult parse, Option<string?> conf, TimeProvider time) =>
        new(new SlurmOptions { ConfigFile = parse.GetValue(conf) }, time);

    private static Command SubmitCommand(TimeProvider time)
    {
        var schedule = new Option<FileInfo>("--schedule") { Description = "Schedule CSV (id,location,start,end) from `wattbit shift`.", Required = true };
        var map = PartitionMap();
        var run = new Option<string>("--command") { Description = "Shell command every job runs.", Required = true };
        var slack = new Option<double?>("--time-limit-slack") { Description = "Minutes added to each job's planned run time for its Slurm time limit (default: no limit)." };
        var conf = SlurmConf();
        var command = new Command("submit", "Submit every job of a schedule to its site's partition with its planned start as begin time; a rerun submits nothing twice.")
        {
            schedule, map, run, slack, conf,
        };
        command.SetAction(async (parse, ct) =>
        {
            var queues = QueueMap.Parse(parse.GetValue(map)!);
            var minutes = parse.GetValue(slack);
            if (minutes is < 0)
            {
                throw new CliException("--time-limit-slack must not be negative.");
            }

            var submissions = ScheduleSubmitter.Submissions(ScheduleCsv.ReadFile(parse.GetValue(schedule)!.FullName), queues, parse.GetValue(run)!,
                minutes is { } m ? TimeSpan.FromMinutes(m) : null);
            using var engine = Engine(parse, conf, time);
            var jobs = new List<EngineJob>(submissions.Count);
            await Ui.Out.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("Submitting to Slurm", maxValue: Math.Max(1, submissions.Count));
                    foreach (var s in submissions)
                    {
                        jobs.Add(await engine.SubmitAsync(s, ct).ConfigureAwait(false));
                        task.Increment(1);
                    }
                }).ConfigureAwait(false);
            Ui.Out.Write(Table(jobs));
            return 0;
        });
        return command;
    }

    private static Command StatusCommand(TimeProvider time)
    {
        var partition = new Option<string?>("--partition") { Description = "Only this partition." };
        var conf = SlurmConf();
        var command = new Command("status", "State, start and end of every WattBit job Slurm still knows.") { partition, conf };
        command.SetAction(async (parse, ct) =>
        {
            using var engine = Engine(parse, conf, time);
            Ui.Out.Write(Table(await engine.ListAsync(parse.GetValue(partition), ct).ConfigureAwait(false)));
            return 0;
        });
        return command;
    }

    private static Command FollowCommand(TimeProvider time)
    {
        var schedule = new Option<FileInfo>("--schedule") { Description = "The schedule CSV that was submitted.", Required = true };
        var interval = new Option<double>("--interval") { Description = "Seconds between passes.", DefaultValueFactory = _ => 5 };
        var conf = SlurmConf();
        var command = new Command("follow", "Until every scheduled job has ended: suspend jobs between their planned runs and resume them at the next run.")
        {
            schedule, interval, conf,
        };
        command.SetAction(async (parse, ct) =>
        {
            var seconds = parse.GetValue(interval);
            if (seconds is <= 0 or > 3600)
            {
                throw new CliException("--interval must be in (0, 3600] seconds.");
            }

            var rows = ScheduleCsv.ReadFile(parse.GetValue(schedule)!.FullName);
            var ids = rows.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            using var engine = Engine(parse, conf, time);
            var reconciler = new ScheduleReconciler(engine, time);
            await Ui.Out.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("Jobs ended", maxValue: ids.Count);
                    while (true)
                    {
                        foreach (var a in await reconciler.ReconcileAsync(rows, ct).ConfigureAwait(false))
                        {
                            Ui.Out.MarkupLine($"{(a.Suspended ? "suspended" : "resumed")} {Markup.Escape(a.WorkloadId)} (job {a.EngineJobId})");
                        }

                        var jobs = (await engine.ListAsync(null, ct).ConfigureAwait(false)).Where(j => ids.Contains(j.WorkloadId)).ToList();
                        if (ids.FirstOrDefault(id => !jobs.Exists(j => j.WorkloadId == id)) is { } missing)
                        {
                            throw new CliException($"job '{missing}' of the schedule is not on Slurm; run `wattbit exec submit` first.");
                        }

                        task.Value = jobs.Count(j => j.IsFinished);
                        if (jobs.TrueForAll(j => j.IsFinished))
                        {
                            return;
                        }

                        await Task.Delay(TimeSpan.FromSeconds(seconds), time, ct).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CurtailCommand(TimeProvider time)
    {
        var site = new Option<string>("--site") { Description = "Curtailed site (its partition stops).", Required = true };
        var map = PartitionMap();
        var mode = new Option<CurtailmentMode>("--mode") { Description = "Suspend running jobs in place, or requeue them held.", DefaultValueFactory = _ => CurtailmentMode.Suspend };
        var record = new Option<FileInfo>("--record") { Description = "Where to write what was done (CSV), for `exec lift`.", Required = true };
        var conf = SlurmConf();
        var command = new Command("curtail", "Curtail a site: suspend (or requeue) its running jobs and hold its pending ones.") { site, map, mode, record, conf };
        command.SetAction(async (parse, ct) =>
        {
            var queues = QueueMap.Parse(parse.GetValue(map)!);
            using var engine = Engine(parse, conf, time);
            var curtailment = await new CurtailmentExecutor(engine, queues, time)
                .CurtailAsync(new SiteId(parse.GetValue(site)!), parse.GetValue(mode), ct).ConfigureAwait(false);
            await using (var writer = new StreamWriter(parse.GetValue(record)!.FullName))
            {
                CurtailmentCsv.Write(writer, curtailment);
            }

            var table = new Table().AddColumns("Slurm job", "Workload", "Partition", "Action");
            foreach (var i in curtailment.Interventions)
            {
                table.AddRow(i.EngineJobId, Markup.Escape(i.WorkloadId), Markup.Escape(i.Queue), i.Kind.ToString());
            }

            Ui.Out.Write(table);
            Ui.Out.MarkupLine($"{curtailment.Interventions.Count} job(s) stopped or held at {Markup.Escape(curtailment.Site.Value)}; record in {Markup.Escape(parse.GetValue(record)!.FullName)}.");
            return 0;
        });
        return command;
    }

    private static Command LiftCommand(TimeProvider time)
    {
        var record = new Option<FileInfo>("--record") { Description = "Curtailment record written by `exec curtail`.", Required = true };
        var conf = SlurmConf();
        var command = new Command("lift", "Lift a curtailment: resume what it suspended, release what it held or requeued.") { record, conf };
        command.SetAction(async (parse, ct) =>
        {
            var curtailment = CurtailmentCsv.ReadFile(parse.GetValue(record)!.FullName);
            using var engine = Engine(parse, conf, time);
            var queues = new QueueMap(new Dictionary<SiteId, string>());
            var result = await new CurtailmentExecutor(engine, queues, time).LiftAsync(curtailment, ct).ConfigureAwait(false);
            Ui.Out.MarkupLine($"{Markup.Escape(curtailment.Site.Value)}: {result.Resumed} resumed, {result.Released} released, {result.Gone} already ended.");
            return 0;
        });
        return command;
    }

    private static Table Table(IEnumerable<EngineJob> jobs)
    {
        var table = new Table().AddColumns("Slurm job", "Workload", "Partition", "State", "Begin / start (UTC)", "End (UTC)", "Reason");
        foreach (var j in jobs)
        {
            var start = j.StartedAt ?? j.ExpectedStartAt;
            table.AddRow(j.EngineJobId, Markup.Escape(j.WorkloadId), Markup.Escape(j.Queue), j.State + (j.Held ? " (held)" : string.Empty),
                start is { } s ? Iso8601.Format(s) : "-", j.EndedAt is { } e ? Iso8601.Format(e) : "-", Markup.Escape(j.Reason ?? "-"));
        }

        return table;
    }
}
