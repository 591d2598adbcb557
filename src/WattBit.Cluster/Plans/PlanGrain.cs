using WattBit.Planning.Planner;

namespace WattBit.Cluster.Plans;

/// <summary>The hourly power caps a plan hands to one site.</summary>
/// <param name="SiteId">Site id.</param>
/// <param name="Start">Start of the first step.</param>
/// <param name="StepMinutes">Step length, minutes.</param>
/// <param name="LimitMw">Connection limit the plan respects, MW per step.</param>
/// <param name="CapMw">Power cap (planned grid draw), MW per step.</param>
[GenerateSerializer, Immutable]
public sealed record SiteCaps(string SiteId, DateTimeOffset Start, int StepMinutes, double[] LimitMw, double[] CapMw);

/// <summary>A day-ahead plan as the cluster keeps it: method, horizon and the caps of every site. Immutable.</summary>
/// <param name="PlanId">Plan id.</param>
/// <param name="Method">How it was made (the planner's method name).</param>
/// <param name="Start">Start of the horizon.</param>
/// <param name="End">End of the horizon (exclusive).</param>
/// <param name="PublishedAt">When it was published.</param>
/// <param name="Sites">Caps per site, in plan order.</param>
[GenerateSerializer, Immutable]
public sealed record PlanPublication(string PlanId, string Method, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset PublishedAt, SiteCaps[] Sites)
{
    /// <summary>The publication of a planner result.</summary>
    /// <param name="planId">Id to publish it under.</param>
    /// <param name="plan">The plan.</param>
    /// <param name="publishedAt">When it is published.</param>
    public static PlanPublication From(string planId, Plan plan, DateTimeOffset publishedAt)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new PlanPublication(planId, plan.Method, plan.Horizon.Start, plan.Horizon.End, publishedAt,
            [.. plan.Sites.Select(s => new SiteCaps(s.Site.Value, s.LimitMw.Start, (int)s.LimitMw.Step.TotalMinutes, s.LimitMw.Values.ToArray(), s.CapMw.Values.ToArray()))]);
    }
}

/// <summary>A published plan, keyed by its id; each publication replaces the previous one and bumps the version.</summary>
public interface IPlanGrain : IGrainWithStringKey
{
    /// <summary>Publishes (or republishes) the plan; returns its version (1 for the first).</summary>
    /// <exception cref="ArgumentException">The publication names another plan id.</exception>
    Task<int> PublishAsync(PlanPublication publication);

    /// <summary>The plan now and its version, or (null, 0) when nothing was published.</summary>
    Task<(PlanPublication? Plan, int Version)> GetAsync();
}

/// <summary>Durable state of a plan grain.</summary>
[GenerateSerializer]
internal sealed class PlanGrainState
{
    [Id(0)] public PlanPublication? Plan { get; set; }

    [Id(1)] public int Version { get; set; }
}

/// <summary>The plan grain.</summary>
internal sealed class PlanGrain([PersistentState("plan", ClusterHosting.StorageName)] IPersistentState<PlanGrainState> state) : Grain, IPlanGrain
{
    public async Task<int> PublishAsync(PlanPublication publication)
    {
        ArgumentNullException.ThrowIfNull(publication);
        if (publication.PlanId != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"plan '{publication.PlanId}' published to plan '{this.GetPrimaryKeyString()}'.", nameof(publication));
        }

        state.State.Plan = publication;
        state.State.Version++;
        await state.WriteStateAsync();
        return state.State.Version;
    }

    public Task<(PlanPublication? Plan, int Version)> GetAsync() => Task.FromResult((state.State.Plan, state.State.Version));
}
