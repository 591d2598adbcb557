namespace WattBit.Execution.Slurm;

/// <summary>How <see cref="SlurmJobEngine"/> reaches Slurm.</summary>
public sealed record SlurmOptions
{
    /// <summary>The slurm.conf to use (exported as <c>SLURM_CONF</c>); null = the tools' default (/etc/slurm/slurm.conf).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Folder of sbatch, squeue, scontrol and scancel; null = found on PATH.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Prefix of the job comment that carries the WattBit workload id; default <c>wattbit:</c>.</summary>
    public string CommentPrefix { get; init; } = "wattbit:";

    /// <summary>Where job output goes (sbatch <c>--output</c>); default <c>/dev/null</c>.</summary>
    public string Output { get; init; } = "/dev/null";

    /// <summary>Working folder of jobs (sbatch <c>--chdir</c>); default the system temporary folder.</summary>
    public string WorkingDirectory { get; init; } = Path.GetTempPath();

    /// <summary>The longest one Slurm command may run; default 60 s.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
