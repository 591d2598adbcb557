using WattBit.Formats;
using WattBit.Workloads;

namespace WattBit.Planning.Model;

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
