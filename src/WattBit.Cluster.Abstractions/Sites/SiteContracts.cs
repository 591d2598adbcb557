using WattBit.Cluster.Orders;

namespace WattBit.Cluster.Sites;

/// <summary>A site as the cluster knows it: area, IT capacity, PUE and grid connection limit. Immutable.</summary>
/// <param name="SiteId">Site id.</param>
/// <param name="Area">Grid area code.</param>
/// <param name="ItMw">IT capacity, MW; positive.</param>
/// <param name="Pue">Power usage effectiveness, ≥ 1.</param>
/// <param name="LimitMw">Grid connection limit, MW at the grid; non-negative.</param>
[GenerateSerializer, Immutable]
public sealed record SiteSetup(string SiteId, string Area, double ItMw, double Pue, double LimitMw)
{
    /// <summary>Checks the setup.</summary>
    /// <exception cref="ArgumentException">A field is out of range; the message names the site and the field.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SiteId) || !WattBit.Areas.JapanAreas.TryFind(Area, out _))
        {
            throw new ArgumentException($"site '{SiteId}': needs an id and a known area code (got area '{Area}').");
        }

        if (!(ItMw > 0) || !(Pue >= 1) || !(LimitMw >= 0))
        {
            throw new ArgumentException($"site '{SiteId}': it_mw must be positive, pue ≥ 1 and limit_mw non-negative (got {ItMw}, {Pue}, {LimitMw}).");
        }
    }
}

/// <summary>A workload submitted to a site; the id is the idempotency key. Immutable.</summary>
/// <param name="WorkloadId">Workload id.</param>
/// <param name="SiteId">Where it runs.</param>
/// <param name="Kind">Training, Inference, Batch or Backup.</param>
/// <param name="PowerMw">IT power, MW; positive.</param>
/// <param name="Interruptible">Whether it may pause for a curtailment.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
[GenerateSerializer, Immutable]
public sealed record WorkloadSubmission(string WorkloadId, string SiteId, string Kind, double PowerMw, bool Interruptible, DateTimeOffset SubmittedAt);

/// <summary>A workload at a site now.</summary>
/// <param name="Submission">What was submitted.</param>
/// <param name="PausedBy">The order that paused or stopped it, or null while it runs.</param>
[GenerateSerializer, Immutable]
public sealed record SiteWorkload(WorkloadSubmission Submission, string? PausedBy);

/// <summary>A site's durable state.</summary>
/// <param name="Setup">Its setup, or null when it was never configured.</param>
/// <param name="Workloads">Its workloads, in submission order.</param>
/// <param name="Executions">Every order execution, in order (an order id appears at most once).</param>
/// <param name="Redeliveries">Deliveries of an order already executed (answered from the record, not executed again).</param>
/// <param name="Lifted">Orders lifted at their end.</param>
[GenerateSerializer, Immutable]
public sealed record SiteSnapshot(SiteSetup? Setup, SiteWorkload[] Workloads, ExecutionRecord[] Executions, int Redeliveries, string[] Lifted);
