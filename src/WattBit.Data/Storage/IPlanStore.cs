using WattBit.Plans;

namespace WattBit.Data.Storage;

/// <summary>Plans with versions for optimistic concurrency (part of <see cref="IWattBitStore"/>).</summary>
public interface IPlanStore
{
    /// <summary>Gets a plan with its version, or null.</summary>
    Task<Versioned<PlanRecord>?> GetPlanAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists the ids of stored plans, ordered by id.</summary>
    Task<IReadOnlyList<string>> ListPlanIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates (<paramref name="expectedVersion"/> = 0) or replaces a plan; returns the new version.</summary>
    /// <exception cref="StoreConcurrencyException">The stored version is not <paramref name="expectedVersion"/>.</exception>
    Task<long> SavePlanAsync(PlanRecord plan, long expectedVersion, CancellationToken cancellationToken = default);
}
