using WattBit.Formats;
using WattBit.Units;

namespace WattBit.Planning.Model;

/// <summary>
/// Work with a release, a deadline and a run time (training, batch, backup): it draws <see cref="Power"/> of IT load
/// and holds <see cref="Gpus"/> while running, runs at one site at a time, and may pause when
/// <see cref="Interruptible"/>. Moving it costs the transfer of <see cref="StateGigabytes"/>.
/// </summary>
public abstract class DeferrableJob : Workload
{
    /// <summary>Creates the job.</summary>
    /// <exception cref="ModelValidationException">A value is out of range or the run time is longer than the window.</exception>
    protected DeferrableJob(string id, string owner, DateTimeOffset release, DateTimeOffset deadline, TimeSpan duration,
        Power power, int gpus, bool interruptible, IReadOnlyList<string>? locations, string? home, double stateGigabytes,
        TimeSpan checkpointTime)
        : base(id, owner)
    {
        if (deadline <= release)
        {
            throw new ModelValidationException("deadline", $"job '{id}': deadline must be after release.");
        }

        if (duration <= TimeSpan.Zero)
        {
            throw new ModelValidationException("duration_h", $"job '{id}': duration_h must be positive.");
        }

        if (duration > deadline - release)
        {
            throw new ModelValidationException("duration_h",
                $"job '{id}': duration_h ({duration.TotalHours:0.##} h) is longer than its window release..deadline ({(deadline - release).TotalHours:0.##} h).");
        }

        Check.Positive(power.Megawatts, "power_kw");
        if (gpus < 0)
        {
            throw new ModelValidationException("gpus", $"job '{id}': gpus must not be negative.");
        }

        Check.NonNegative(stateGigabytes, "state_gb");
        if (checkpointTime < TimeSpan.Zero)
        {
            throw new ModelValidationException("checkpoint_minutes", $"job '{id}': checkpoint_minutes must not be negative.");
        }

        Release = release;
        Deadline = deadline;
        Duration = duration;
        Power = power;
        Gpus = gpus;
        Interruptible = interruptible;
        Locations = locations ?? [];
        Home = home;
        StateGigabytes = stateGigabytes;
        CheckpointTime = checkpointTime;
    }

    /// <summary>Earliest start.</summary>
    public DateTimeOffset Release { get; }

    /// <summary>Latest finish.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>Run time needed.</summary>
    public TimeSpan Duration { get; }

    /// <summary>IT power drawn while running.</summary>
    public Power Power { get; }

    /// <summary>GPUs held while running (0 for CPU work).</summary>
    public int Gpus { get; }

    /// <summary>Whether the job may pause and resume (training: checkpointable).</summary>
    public bool Interruptible { get; }

    /// <summary>Site ids or area codes where it may run; empty = anywhere.</summary>
    public IReadOnlyList<string> Locations { get; }

    /// <summary>Site where its data lives and where it runs without shifting; null = the first allowed site.</summary>
    public string? Home { get; }

    /// <summary>State (checkpoint, data set) to move when it runs elsewhere, in GB.</summary>
    public double StateGigabytes { get; }

    /// <summary>Time to write a checkpoint before a pause or a move.</summary>
    public TimeSpan CheckpointTime { get; }

    /// <summary>IT energy of the whole run.</summary>
    public Energy Energy => Power * Duration;
}

/// <summary>AI training: a gang of GPUs that must all run at one site, checkpointable (so it may pause), with state to move.</summary>
public sealed class TrainingJob : DeferrableJob
{
    /// <summary>Creates a training job.</summary>
    /// <param name="id">Unique id.</param>
    /// <param name="owner">Operator.</param>
    /// <param name="gpus">Gang size; positive.</param>
    /// <param name="powerPerGpu">IT power per GPU including its share of servers and network (for example 1 kW).</param>
    /// <param name="release">Earliest start.</param>
    /// <param name="deadline">Latest finish.</param>
    /// <param name="duration">Compute time needed.</param>
    /// <param name="stateGigabytes">Checkpoint size to move, GB.</param>
    /// <param name="checkpointable">Whether it may pause at a checkpoint; default true.</param>
    /// <param name="checkpointTime">Time to write a checkpoint; default 10 minutes.</param>
    /// <param name="locations">Allowed site ids, area codes or region groups; empty = anywhere.</param>
    /// <param name="home">Home site.</param>
    /// <exception cref="ModelValidationException">A value is out of range.</exception>
    public TrainingJob(string id, string owner, int gpus, Power powerPerGpu, DateTimeOffset release, DateTimeOffset deadline,
        TimeSpan duration, double stateGigabytes, bool checkpointable = true, TimeSpan? checkpointTime = null,
        IReadOnlyList<string>? locations = null, string? home = null)
        : base(id, owner, release, deadline, duration, powerPerGpu * Math.Max(gpus, 0), gpus, checkpointable, locations, home,
            stateGigabytes, checkpointTime ?? TimeSpan.FromMinutes(10))
    {
        if (gpus <= 0)
        {
            throw new ModelValidationException("gpus", $"job '{id}': a training job needs a positive number of gpus.");
        }
    }

    /// <inheritdoc/>
    public override WorkloadKind Kind => WorkloadKind.Training;
}

/// <summary>Batch work (formats.md section 6 job plus an owner and GPUs).</summary>
public sealed class BatchWork : DeferrableJob
{
    /// <summary>Creates batch work.</summary>
    /// <param name="id">Unique id.</param>
    /// <param name="owner">Operator.</param>
    /// <param name="release">Earliest start.</param>
    /// <param name="deadline">Latest finish.</param>
    /// <param name="duration">Run time.</param>
    /// <param name="power">IT power while running.</param>
    /// <param name="interruptible">Whether it may pause.</param>
    /// <param name="gpus">GPUs held; default 0.</param>
    /// <param name="locations">Allowed site ids or area codes; empty = anywhere.</param>
    /// <param name="home">Home site.</param>
    /// <param name="stateGigabytes">Data to move when it runs away from home, GB; default 0.</param>
    /// <exception cref="ModelValidationException">A value is out of range.</exception>
    public BatchWork(string id, string owner, DateTimeOffset release, DateTimeOffset deadline, TimeSpan duration, Power power,
        bool interruptible, int gpus = 0, IReadOnlyList<string>? locations = null, string? home = null, double stateGigabytes = 0)
        : base(id, owner, release, deadline, duration, power, gpus, interruptible, locations, home, stateGigabytes, TimeSpan.Zero)
    {
    }

    /// <inheritdoc/>
    public override WorkloadKind Kind => WorkloadKind.Batch;
}

/// <summary>
/// A bulk backup or replication transfer of <see cref="SizeGigabytes"/> from its home site to
/// <see cref="Destination"/> at <see cref="RateGbps"/>, drawing <see cref="DeferrableJob.Power"/> at the source while
/// it runs; interruptible (transfers resume).
/// </summary>
public sealed class BackupTransfer : DeferrableJob
{
    /// <summary>Creates a transfer.</summary>
    /// <param name="id">Unique id.</param>
    /// <param name="owner">Operator.</param>
    /// <param name="source">Site the data leaves (where it draws power).</param>
    /// <param name="destination">Site the data goes to.</param>
    /// <param name="sizeGigabytes">Data size, GB; positive.</param>
    /// <param name="rateGbps">Transfer rate, Gbit/s; positive.</param>
    /// <param name="power">IT power while transferring (storage and network gear).</param>
    /// <param name="release">Earliest start.</param>
    /// <param name="deadline">Latest finish.</param>
    /// <exception cref="ModelValidationException">A value is out of range, or the transfer cannot fit its window.</exception>
    public BackupTransfer(string id, string owner, string source, string destination, double sizeGigabytes, double rateGbps,
        Power power, DateTimeOffset release, DateTimeOffset deadline)
        : base(id, owner, release, deadline, TransferDuration(id, sizeGigabytes, rateGbps), power, 0, true, [source], source, 0, TimeSpan.Zero)
    {
        Destination = Check.Id(destination, "destination");
        SizeGigabytes = sizeGigabytes;
        RateGbps = rateGbps;
    }

    /// <summary>Destination site.</summary>
    public string Destination { get; }

    /// <summary>Data size, GB.</summary>
    public double SizeGigabytes { get; }

    /// <summary>Transfer rate, Gbit/s.</summary>
    public double RateGbps { get; }

    /// <inheritdoc/>
    public override WorkloadKind Kind => WorkloadKind.Backup;

    private static TimeSpan TransferDuration(string id, double sizeGigabytes, double rateGbps)
    {
        Check.Positive(sizeGigabytes, "size_gb");
        Check.Positive(rateGbps, "rate_gbps");
        _ = id;
        return TimeSpan.FromSeconds(Math.Ceiling(sizeGigabytes * 8 / rateGbps));
    }
}
