using Microsoft.Extensions.Options;
using WattBit.Execution;
using WattBit.Execution.Slurm;
using WattBit.Sites;

namespace WattBit.Server.Dispatch;

/// <summary>
/// One DC operator's job engine (section <c>WattBit:JobEngines:N</c>): the dispatch orders for its sites listed in
/// <see cref="Queues"/> are carried out on that engine.
/// </summary>
internal sealed class JobEngineOptions
{
    /// <summary>The DC operator id (as its API keys name it) whose dispatch orders this engine carries out.</summary>
    public string Operator { get; set; } = "";

    /// <summary>The engine: <c>slurm</c> (the only one today).</summary>
    public string Kind { get; set; } = "slurm";

    /// <summary>The operator's site ids and the queue (Slurm partition) each runs its work in: <c>site-a=tk,site-b=kn</c>.</summary>
    public string Queues { get; set; } = "";

    /// <summary>How a site power-down stops running jobs: <c>suspend</c> (default) or <c>requeue</c>.</summary>
    public string Mode { get; set; } = "suspend";

    /// <summary>Slurm: the <c>slurm.conf</c> of the operator's cluster (default: <c>SLURM_CONF</c> or Slurm's own default).</summary>
    public string? SlurmConf { get; set; }

    /// <summary>Slurm: the folder of <c>sbatch</c>, <c>squeue</c>, <c>scontrol</c>, <c>scancel</c> (default: <c>PATH</c>).</summary>
    public string? BinDirectory { get; set; }

    /// <summary>Slurm: the comment prefix that marks WattBit's jobs (default <c>wattbit:</c>); the workload id follows it.</summary>
    public string? CommentPrefix { get; set; }

    /// <summary>Slurm: how long one tool may run before the action fails (default 60 s).</summary>
    public TimeSpan? CommandTimeout { get; set; }
}

/// <summary>A DC operator's engine, its site-to-queue map and how a power-down stops running jobs.</summary>
/// <param name="Engine">The job engine.</param>
/// <param name="Queues">The operator's sites (bare ids) and their queues.</param>
/// <param name="Mode">How a site power-down stops running jobs.</param>
internal sealed record OperatorEngine(IJobEngine Engine, QueueMap Queues, CurtailmentMode Mode)
{
    /// <summary>Whether the site (bare id) runs its work on this engine.</summary>
    public bool Runs(string siteId)
    {
        try
        {
            return Queues.TryGetQueue(new SiteId(siteId), out _);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>
/// The job engines the server carries dispatch orders out on, per DC operator (<see cref="ServerOptions.JobEngines"/>).
/// A site without an engine keeps its dispatch orders as instructions to its operator only. Settings are checked when the
/// server starts: a bad entry stops it with a message naming the entry. Thread-safe (immutable after construction).
/// </summary>
internal sealed class JobEngines : IDisposable
{
    private readonly Dictionary<string, OperatorEngine> _engines;

    /// <summary>The engines configured in <see cref="ServerOptions.JobEngines"/>.</summary>
    /// <exception cref="InvalidOperationException">An entry is incomplete or invalid (named in the message).</exception>
    public JobEngines(IOptions<ServerOptions> options, TimeProvider time)
        : this(Build(options.Value.JobEngines, time))
    {
    }

    /// <summary>Given engines (tests: an in-memory engine).</summary>
    public JobEngines(IReadOnlyDictionary<string, OperatorEngine> engines) => _engines = new(engines, StringComparer.Ordinal);

    /// <summary>The engine of <paramref name="op"/> when it runs <paramref name="siteId"/>'s work, else null.</summary>
    public OperatorEngine? For(string op, string siteId) => _engines.TryGetValue(op, out var e) && e.Runs(siteId) ? e : null;

    /// <summary>Whether any engine is configured.</summary>
    public bool Any => _engines.Count > 0;

    public void Dispose()
    {
        foreach (var e in _engines.Values)
        {
            (e.Engine as IDisposable)?.Dispose();
        }
    }

    private static Dictionary<string, OperatorEngine> Build(List<JobEngineOptions> list, TimeProvider time)
    {
        var engines = new Dictionary<string, OperatorEngine>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var o = list[i];
            var where = $"WattBit:JobEngines:{i}";
            if (string.IsNullOrWhiteSpace(o.Operator))
            {
                throw new InvalidOperationException($"{where}:Operator is required (the DC operator id whose dispatch orders the engine carries out).");
            }

            if (engines.ContainsKey(o.Operator))
            {
                throw new InvalidOperationException($"{where}:Operator '{o.Operator}' has a job engine already; give each operator one entry.");
            }

            QueueMap queues;
            try
            {
                queues = QueueMap.Parse(o.Queues);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"{where}:Queues: {ex.Message}", ex);
            }

            var mode = o.Mode.ToLowerInvariant() switch
            {
                "suspend" => CurtailmentMode.Suspend,
                "requeue" => CurtailmentMode.Requeue,
                _ => throw new InvalidOperationException($"{where}:Mode '{o.Mode}' is not suspend or requeue."),
            };
            if (!string.Equals(o.Kind, "slurm", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{where}:Kind '{o.Kind}' is not a job engine the server knows (slurm).");
            }

            var slurm = new SlurmOptions
            {
                ConfigFile = string.IsNullOrWhiteSpace(o.SlurmConf) ? null : o.SlurmConf,
                BinDirectory = string.IsNullOrWhiteSpace(o.BinDirectory) ? null : o.BinDirectory,
            };
            if (!string.IsNullOrWhiteSpace(o.CommentPrefix))
            {
                slurm = slurm with { CommentPrefix = o.CommentPrefix };
            }

            if (o.CommandTimeout is { } timeout)
            {
                slurm = slurm with { CommandTimeout = timeout };
            }

            engines[o.Operator] = new OperatorEngine(new SlurmJobEngine(slurm, time), queues, mode);
        }

        return engines;
    }
}
