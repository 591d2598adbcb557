namespace WattBit.Workloads;

/// <summary>
/// The kind of a piece of data-centre work. A <see cref="BatchJob"/> is one of the deferrable kinds (batch, training,
/// backup); inference is a service with hourly demand, never a job. The planner, the simulator, the dispatcher and the
/// cluster's site grains all use this one list.
/// </summary>
public enum WorkloadKind : byte
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
