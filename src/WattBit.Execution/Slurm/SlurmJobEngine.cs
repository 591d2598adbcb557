using System.Globalization;

namespace WattBit.Execution.Slurm;

/// <summary>
/// <see cref="IJobEngine"/> over the Slurm 22.05 command-line tools: <c>sbatch</c> (with <c>--begin</c>,
/// <c>--partition</c>, <c>--job-name</c>, <c>--comment</c>, <c>--requeue</c>), <c>squeue</c> (parsable format, all
/// states), <c>scontrol hold/release/suspend/resume/requeuehold/update</c> and <c>scancel</c>. The workload id travels
/// in the job comment (<see cref="SlurmOptions.CommentPrefix"/> + id) and as the job name; submits are serialised in
/// this instance and look the id up first, so a retried submit (also after a lost reply) creates no duplicate. Without
/// Slurm accounting the lookup sees jobs slurmctld still remembers (<c>MinJobAge</c> after they end). Every command runs
/// with <c>TZ=UTC</c> so times are read and written in UTC. Thread-safe.
/// </summary>
public sealed class SlurmJobEngine : IJobEngine, IDisposable
{
    private readonly SlurmOptions _options;
    private readonly ICommandRunner _runner;
    private readonly SemaphoreSlim _submitLock = new(1, 1);

    /// <summary>Creates the engine.</summary>
    /// <param name="options">How to reach Slurm.</param>
    /// <param name="time">Clock for command timeouts.</param>
    /// <param name="runner">Runs the tools; default a <see cref="ProcessCommandRunner"/> with <c>SLURM_CONF</c> and <c>TZ=UTC</c> set.</param>
    /// <exception cref="FileNotFoundException"><see cref="SlurmOptions.ConfigFile"/> is given but does not exist (the tools would retry for a minute).</exception>
    public SlurmJobEngine(SlurmOptions options, TimeProvider time, ICommandRunner? runner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.ConfigFile is not null && !File.Exists(options.ConfigFile))
        {
            throw new FileNotFoundException($"Slurm configuration {options.ConfigFile} does not exist.", options.ConfigFile);
        }

        _options = options;
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["TZ"] = "UTC" };
        if (options.ConfigFile is not null)
        {
            env["SLURM_CONF"] = options.ConfigFile;
        }

        _runner = runner ?? new ProcessCommandRunner(time, env, options.CommandTimeout);
    }

    /// <inheritdoc />
    public string Name => "slurm";

    /// <inheritdoc />
    public async Task<EngineJob> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        Validate(submission);
        await _submitLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await FindAsync(submission.WorkloadId, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return existing;
            }

            var args = new List<string>
            {
                "--parsable",
                $"--job-name={submission.WorkloadId}",
                $"--comment={_options.CommentPrefix}{submission.WorkloadId}",
                $"--partition={submission.Queue}",
                "--requeue",
                $"--cpus-per-task={submission.Cpus.ToString(CultureInfo.InvariantCulture)}",
                $"--output={_options.Output}",
                $"--chdir={_options.WorkingDirectory}",
            };
            if (submission.BeginAt is { } begin)
            {
                args.Add($"--begin={SlurmFormat.FormatBegin(begin)}");
            }

            if (submission.TimeLimit is { } limit)
            {
                args.Add($"--time={SlurmFormat.FormatTimeLimit(limit)}");
            }

            args.Add($"--wrap={submission.Command}");
            var output = await RunAsync("sbatch", args, cancellationToken).ConfigureAwait(false);
            var id = output.Trim().Split(';')[0];
            if (id.Length == 0 || !id.All(char.IsAsciiDigit))
            {
                throw new EngineCommandException(CommandLine.Format("sbatch", args), $"unexpected output '{output.Trim()}' (expected a job id).");
            }

            return await GetAsync(id, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _submitLock.Release();
        }
    }

    /// <inheritdoc />
    public async Task<EngineJob?> FindAsync(string workloadId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workloadId);
        var jobs = await SqueueAsync(["--states=all"], cancellationToken).ConfigureAwait(false);
        return jobs.Where(j => j.WorkloadId == workloadId).MaxBy(j => long.Parse(j.EngineJobId, CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public async Task<EngineJob> GetAsync(string engineJobId, CancellationToken cancellationToken = default)
    {
        CheckId(engineJobId);
        var args = new[] { "--states=all", $"--jobs={engineJobId}" };
        var jobs = await SqueueAsync(args, cancellationToken).ConfigureAwait(false);
        return jobs.Count == 1
            ? jobs[0]
            : throw new EngineCommandException(CommandLine.Format("squeue", args), $"job {engineJobId} is not a WattBit job slurmctld still knows.");
    }

    /// <inheritdoc />
    /// <remarks>A named partition must exist (checked with <c>scontrol show partition</c>), so a typo is an error, not an empty list.</remarks>
    public async Task<IReadOnlyList<EngineJob>> ListAsync(string? queue = null, CancellationToken cancellationToken = default)
    {
        if (queue is null)
        {
            return await SqueueAsync(["--states=all"], cancellationToken).ConfigureAwait(false);
        }

        await RunAsync("scontrol", ["show", "partition", queue], cancellationToken).ConfigureAwait(false);
        return await SqueueAsync(["--states=all", $"--partition={queue}"], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task HoldAsync(string engineJobId, CancellationToken cancellationToken = default) => ScontrolAsync("hold", engineJobId, cancellationToken);

    /// <inheritdoc />
    public Task ReleaseAsync(string engineJobId, CancellationToken cancellationToken = default) => ScontrolAsync("release", engineJobId, cancellationToken);

    /// <inheritdoc />
    public Task SuspendAsync(string engineJobId, CancellationToken cancellationToken = default) => ScontrolAsync("suspend", engineJobId, cancellationToken);

    /// <inheritdoc />
    public Task ResumeAsync(string engineJobId, CancellationToken cancellationToken = default) => ScontrolAsync("resume", engineJobId, cancellationToken);

    /// <inheritdoc />
    public Task RequeueHeldAsync(string engineJobId, CancellationToken cancellationToken = default) =>
        ScontrolAsync("requeuehold", engineJobId, cancellationToken);

    /// <inheritdoc />
    public async Task MoveAsync(string engineJobId, string queue, CancellationToken cancellationToken = default)
    {
        CheckId(engineJobId);
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        await RunAsync("scontrol", ["update", $"JobId={engineJobId}", $"Partition={queue}"], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CancelAsync(string engineJobId, CancellationToken cancellationToken = default)
    {
        CheckId(engineJobId);
        await RunAsync("scancel", [engineJobId], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _submitLock.Dispose();

    private static void Validate(JobSubmission s)
    {
        if (string.IsNullOrWhiteSpace(s.WorkloadId) || s.WorkloadId.Any(char.IsControl))
        {
            throw new ArgumentException($"workload id '{s.WorkloadId}' must be non-empty and without control characters.", nameof(s));
        }

        if (string.IsNullOrWhiteSpace(s.Queue) || s.Queue.Any(c => char.IsWhiteSpace(c) || c == ','))
        {
            throw new ArgumentException($"job '{s.WorkloadId}': partition '{s.Queue}' must be one name without white space or ','.", nameof(s));
        }

        if (string.IsNullOrWhiteSpace(s.Command))
        {
            throw new ArgumentException($"job '{s.WorkloadId}': the command is empty.", nameof(s));
        }

        if (s.Cpus < 1)
        {
            throw new ArgumentException($"job '{s.WorkloadId}': CPUs must be at least 1, not {s.Cpus}.", nameof(s));
        }

        if (s.TimeLimit is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException($"job '{s.WorkloadId}': the time limit must be positive.", nameof(s));
        }
    }

    private static void CheckId(string engineJobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(engineJobId);
        if (!engineJobId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"'{engineJobId}' is not a Slurm job id.", nameof(engineJobId));
        }
    }

    private async Task ScontrolAsync(string verb, string engineJobId, CancellationToken cancellationToken)
    {
        CheckId(engineJobId);
        await RunAsync("scontrol", [verb, engineJobId], cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<EngineJob>> SqueueAsync(string[] filter, CancellationToken cancellationToken)
    {
        string[] args = [.. filter, "--noheader", $"--format={SlurmFormat.SqueueFormat}"];
        var output = await RunAsync("squeue", args, cancellationToken).ConfigureAwait(false);
        var jobs = new List<EngineJob>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                if (SlurmFormat.ParseSqueueLine(line.TrimEnd('\r'), _options.CommentPrefix) is { } job)
                {
                    jobs.Add(job);
                }
            }
            catch (FormatException ex)
            {
                throw new EngineCommandException(CommandLine.Format("squeue", args), ex.Message, ex);
            }
        }

        jobs.Sort((a, b) => long.Parse(a.EngineJobId, CultureInfo.InvariantCulture).CompareTo(long.Parse(b.EngineJobId, CultureInfo.InvariantCulture)));
        return jobs;
    }

    private async Task<string> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var program = _options.BinDirectory is null ? tool : Path.Combine(_options.BinDirectory, tool);
        var result = await _runner.RunAsync(program, args, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            return result.StandardOutput;
        }

        // scontrol prints some refusals ("Partition x not found") on standard output.
        var diagnostics = string.IsNullOrWhiteSpace(result.StandardError) ? result.StandardOutput : result.StandardError;
        throw new EngineCommandException(CommandLine.Format(tool, args), result.ExitCode, diagnostics);
    }
}
