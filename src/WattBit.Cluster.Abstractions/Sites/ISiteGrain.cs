using WattBit.Cluster.Orders;

namespace WattBit.Cluster.Sites;

/// <summary>
/// A data-centre site, keyed by its id: its setup and connection limit, its workloads and the curtailment orders
/// addressed to it, executed by the planning dispatcher. Every change is persisted before the call returns.
/// </summary>
public interface ISiteGrain : IGrainWithStringKey
{
    /// <summary>Sets (or replaces) the site's setup and registers it with its area.</summary>
    /// <exception cref="ArgumentException">The setup is invalid or names another site.</exception>
    Task ConfigureAsync(SiteSetup setup);

    /// <summary>Adds a workload; returns false when a workload with that id was already submitted (nothing changes).</summary>
    /// <exception cref="ArgumentException">The submission is invalid or names another site.</exception>
    Task<bool> SubmitAsync(WorkloadSubmission submission);

    /// <summary>
    /// Executes a curtailment order exactly once: the first delivery runs the dispatcher and records the execution
    /// durably; a redelivery returns that record without acting again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The site was never configured.</exception>
    Task<ExecutionRecord> ExecuteAsync(OrderRequest order);

    /// <summary>Lifts an order at its end: resumes the workloads it paused (once; later calls do nothing).</summary>
    Task LiftAsync(string orderId);

    /// <summary>The site's state.</summary>
    Task<SiteSnapshot> GetAsync();
}

/// <summary>A grid area (TSO control area), keyed by its code: the sites in it and the orders addressed to them.</summary>
public interface IAreaGrain : IGrainWithStringKey
{
    /// <summary>Registers a site of the area (idempotent).</summary>
    Task AddSiteAsync(string siteId);

    /// <summary>Records an order addressed to a site of the area (idempotent).</summary>
    Task AddOrderAsync(string orderId);

    /// <summary>The area's sites and orders, each in the order first seen.</summary>
    Task<AreaSnapshot> GetAsync();
}

/// <summary>The sites and orders of an area.</summary>
/// <param name="Sites">Site ids.</param>
/// <param name="Orders">Order ids.</param>
[GenerateSerializer, Immutable]
public sealed record AreaSnapshot(string[] Sites, string[] Orders);
