using WattBit.Sites;
using WattBit.Units;

namespace WattBit.Dispatch;

/// <summary>What the dispatcher does to a workload or a battery.</summary>
public enum DispatchActionKind
{
    /// <summary>Discharge the site battery (more) for the event's duration.</summary>
    DischargeBattery,

    /// <summary>Pause interruptible work now and resume after the event, still before its deadline.</summary>
    Defer,

    /// <summary>Pause at a checkpoint; it will finish late.</summary>
    Pause,

    /// <summary>Checkpoint, move the state over the network and resume at another site.</summary>
    CheckpointAndMove,

    /// <summary>Start replicas at another site within the latency bound, then stop them here.</summary>
    MoveReplicas,

    /// <summary>Start additional replicas (inference surge).</summary>
    AddReplicas,

    /// <summary>Stop now and restart elsewhere from the beginning or last checkpoint.</summary>
    RestartElsewhere,

    /// <summary>Stop now (progress since the last checkpoint, or unserved demand, is lost).</summary>
    Stop,

    /// <summary>Start the site's on-site generator to carry part of its load for the event's duration (fuel allowing).</summary>
    StartGenerator,

    /// <summary>Power down the whole site including base load (last resort of the fallback).</summary>
    PowerDownSite,
}

/// <summary>One step of a dispatch decision.</summary>
/// <param name="Kind">What is done.</param>
/// <param name="WorkloadId">Workload id (empty for the battery or the whole site).</param>
/// <param name="From">Site relieved.</param>
/// <param name="To">Destination site, when work moves.</param>
/// <param name="Units">Replicas or jobs affected.</param>
/// <param name="GridRelief">Reduction of grid draw at <paramref name="From"/>.</param>
/// <param name="CompletesAt">When the relief is in place (checkpoint, transfer or start-up done).</param>
/// <param name="Reason">Why this action, in words.</param>
public sealed record DispatchAction(DispatchActionKind Kind, string WorkloadId, SiteId From, SiteId? To, int Units, Power GridRelief,
    DateTimeOffset CompletesAt, string Reason);
