using WattBit.Formats;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Planning.Model;

/// <summary>
/// A job the planner places: the Core <see cref="BatchJob"/> (window, run time, power, interruptible, allowed locations,
/// kind), submitted by an owner, with the planner's facts about it — the <see cref="Gpus"/> it holds while running, its
/// <see cref="Home"/> site, the <see cref="StateGigabytes"/> to move when it runs elsewhere and the
/// <see cref="CheckpointTime"/> of a pause or move. It runs at one site at a time. The job's own fields are read through
/// <see cref="Job"/>; the shortcuts below return them.
/// </summary>
public abstract class DeferrableJob : Workload
{
    /// <summary>Creates the planner's view of <paramref name="job"/>.</summary>
    /// <exception cref="ModelValidationException">A value is out of range.</exception>
    protected DeferrableJob(BatchJob job, string owner, int gpus, string? home, double stateGigabytes, TimeSpan checkpointTime)
        : base(job?.Id ?? throw new ArgumentNullException(nameof(job)), owner)
    {
        if (gpus < 0)
        {
            throw new ModelValidationException(job.Id, "gpus", $"job '{job.Id}': gpus must not be negative.");
        }

        Check.NonNegative(stateGigabytes, "state_gb");
        if (checkpointTime < TimeSpan.Zero)
        {
            throw new ModelValidationException(job.Id, "checkpoint_minutes", $"job '{job.Id}': checkpoint_minutes must not be negative.");
        }

        Job = job;
        Gpus = gpus;
        Home = home;
        StateGigabytes = stateGigabytes;
        CheckpointTime = checkpointTime;
    }

    /// <summary>The job itself (the one Core job type).</summary>
    public BatchJob Job { get; }

    /// <summary>Earliest start (<see cref="BatchJob.Release"/>).</summary>
    public DateTimeOffset Release => Job.Release;

    /// <summary>Latest finish (<see cref="BatchJob.Deadline"/>).</summary>
    public DateTimeOffset Deadline => Job.Deadline;

    /// <summary>Run time needed (<see cref="BatchJob.Duration"/>).</summary>
    public TimeSpan Duration => Job.Duration;

    /// <summary>IT power drawn while running (<see cref="BatchJob.Power"/>).</summary>
    public Power Power => Job.Power;

    /// <summary>Whether the job may pause and resume (training: checkpointable).</summary>
    public bool Interruptible => Job.Interruptible;

    /// <summary>Site ids or area codes where it may run; empty = anywhere.</summary>
    public IReadOnlyList<string> Locations => Job.Locations;

    /// <summary>IT energy of the whole run.</summary>
    public Energy Energy => Job.Energy;

    /// <summary>GPUs held while running (0 for CPU work).</summary>
    public int Gpus { get; }

    /// <summary>Site where its data lives and where it runs without shifting; null = the first allowed site.</summary>
    public string? Home { get; }

    /// <summary>State (checkpoint, data set) to move when it runs elsewhere, in GB.</summary>
    public double StateGigabytes { get; }

    /// <summary>Time to write a checkpoint before a pause or a move.</summary>
    public TimeSpan CheckpointTime { get; }

    /// <inheritdoc/>
    public override WorkloadKind Kind => Job.Kind;
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
        : base(new BatchJob(id, release, deadline, duration, powerPerGpu * PositiveGpus(id, gpus), checkpointable, locations, WorkloadKind.Training),
            owner, gpus, home, stateGigabytes, checkpointTime ?? TimeSpan.FromMinutes(10))
    {
    }

    private static int PositiveGpus(string id, int gpus) =>
        gpus > 0 ? gpus : throw new ModelValidationException(id, "gpus", $"job '{id}': a training job needs a positive number of gpus.");
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
        : this(new BatchJob(id, release, deadline, duration, power, interruptible, locations), owner, gpus, home, stateGigabytes)
    {
    }

    /// <summary>Submits a Core job (of kind batch) to the planner as <paramref name="owner"/>'s work.</summary>
    /// <param name="job">The job.</param>
    /// <param name="owner">Operator.</param>
    /// <param name="gpus">GPUs held; default 0.</param>
    /// <param name="home">Home site.</param>
    /// <param name="stateGigabytes">Data to move when it runs away from home, GB; default 0.</param>
    /// <exception cref="ModelValidationException">A value is out of range or the job is not batch work.</exception>
    public BatchWork(BatchJob job, string owner, int gpus = 0, string? home = null, double stateGigabytes = 0)
        : base(BatchKind(job), owner, gpus, home, stateGigabytes, TimeSpan.Zero)
    {
    }

    private static BatchJob BatchKind(BatchJob job) =>
        job is null ? throw new ArgumentNullException(nameof(job))
        : job.Kind == WorkloadKind.Batch ? job
        : throw new ModelValidationException(job.Id, "kind", $"job '{job.Id}': batch work must be a batch job (got {job.Kind}).");
}

/// <summary>
/// A Core job of any deferrable kind (batch, training, backup) submitted as it is, with no planner facts beyond the job:
/// no GPUs, home, state to move or checkpoint time. The server submits its operators' stored workloads so, keeping the
/// kind they were submitted with (the dispatcher treats training, batch and backup differently).
/// </summary>
public sealed class SubmittedJob : DeferrableJob
{
    /// <summary>Submits <paramref name="job"/> as <paramref name="owner"/>'s work.</summary>
    /// <exception cref="ArgumentNullException">The job is null.</exception>
    /// <exception cref="ModelValidationException">The owner is invalid.</exception>
    public SubmittedJob(BatchJob job, string owner)
        : base(job, owner, 0, null, 0, TimeSpan.Zero)
    {
    }
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
        : base(new BatchJob(id, release, deadline, TransferDuration(id, sizeGigabytes, rateGbps), power, true, [source], WorkloadKind.Backup),
            owner, 0, source, 0, TimeSpan.Zero)
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

    private static TimeSpan TransferDuration(string id, double sizeGigabytes, double rateGbps)
    {
        Check.Positive(sizeGigabytes, "size_gb");
        Check.Positive(rateGbps, "rate_gbps");
        _ = id;
        return TimeSpan.FromSeconds(Math.Ceiling(sizeGigabytes * 8 / rateGbps));
    }
}
