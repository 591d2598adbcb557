using WattBit.Formats;

namespace WattBit.Planning.Model;

/// <summary>The kind of a workload.</summary>
public enum WorkloadKind
{
    /// <summary>AI training: a gang of GPUs, checkpointable, with state to move.</summary>
    Training,

    /// <summary>Latency-bound inference with elastic replicas and hourly demand per user region.</summary>
    Inference,

    /// <summary>Batch work with a release and a deadline.</summary>
    Batch,

    /// <summary>Bulk backup or replication transfer with a deadline.</summary>
    Backup,
}

/// <summary>Anything the planner places: it has an id and an owner (the operator that submitted it).</summary>
public abstract class Workload
{
    /// <summary>Creates the workload.</summary>
    /// <exception cref="ModelValidationException">The id or owner is empty.</exception>
    protected Workload(string id, string owner)
    {
        Id = Check.Id(id, "id");
        Owner = Check.Id(owner, "owner");
    }

    /// <summary>Unique id.</summary>
    public string Id { get; }

    /// <summary>Owner (operator); operators see only their own workloads.</summary>
    public string Owner { get; }

    /// <summary>The kind.</summary>
    public abstract WorkloadKind Kind { get; }
}
