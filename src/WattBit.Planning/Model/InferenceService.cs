using WattBit.Formats;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Planning.Model;

/// <summary>Hourly demand of an inference service from one user region, in requests per second.</summary>
/// <param name="Region">Where the users are.</param>
/// <param name="RequestsPerSecond">Hourly mean demand.</param>
public sealed record RegionDemand(UserRegion Region, TimeSeries RequestsPerSecond);

/// <summary>
/// Inference: elastic replicas, each serving <see cref="RequestsPerReplica"/> requests per second at
/// <see cref="ReplicaPower"/> and <see cref="ReplicaGpus"/>; every region's demand must be served each hour from
/// sites within <see cref="LatencyBound"/> of it. Immutable.
/// </summary>
public sealed class InferenceService : Workload
{
    /// <summary>Creates a service.</summary>
    /// <param name="id">Unique id.</param>
    /// <param name="owner">Operator.</param>
    /// <param name="replicaPower">IT power per replica; positive.</param>
    /// <param name="replicaGpus">GPUs per replica; non-negative.</param>
    /// <param name="requestsPerReplica">Throughput per replica (requests/s); positive.</param>
    /// <param name="latencyBound">Largest one-way network latency from users to a serving site; positive.</param>
    /// <param name="demand">Hourly demand per user region.</param>
    /// <param name="locations">Allowed site ids or area codes; empty = anywhere.</param>
    /// <param name="home">Home site (where it runs without shifting).</param>
    /// <param name="startupTime">Time to start a replica at another site; default 5 minutes.</param>
    /// <exception cref="ModelValidationException">A value is out of range or the demand is negative.</exception>
    public InferenceService(string id, string owner, Power replicaPower, int replicaGpus, double requestsPerReplica,
        TimeSpan latencyBound, IReadOnlyList<RegionDemand> demand, IReadOnlyList<string>? locations = null, string? home = null,
        TimeSpan? startupTime = null)
        : base(id, owner)
    {
        Check.Positive(replicaPower.Megawatts, "replica_kw");
        if (replicaGpus < 0)
        {
            throw new ModelValidationException("replica_gpus", $"service '{id}': replica_gpus must not be negative.");
        }

        Check.Positive(requestsPerReplica, "requests_per_replica");
        if (latencyBound <= TimeSpan.Zero)
        {
            throw new ModelValidationException("latency_ms", $"service '{id}': latency_ms must be positive.");
        }

        ArgumentNullException.ThrowIfNull(demand);
        foreach (var d in demand)
        {
            foreach (var v in d.RequestsPerSecond.Values)
            {
                if (!double.IsNaN(v))
                {
                    Check.NonNegative(v, "demand_rps");
                }
            }
        }

        ReplicaPower = replicaPower;
        ReplicaGpus = replicaGpus;
        RequestsPerReplica = requestsPerReplica;
        LatencyBound = latencyBound;
        Demand = demand;
        Locations = locations ?? [];
        Home = home;
        StartupTime = startupTime ?? TimeSpan.FromMinutes(5);
    }

    /// <inheritdoc/>
    public override WorkloadKind Kind => WorkloadKind.Inference;

    /// <summary>IT power per replica.</summary>
    public Power ReplicaPower { get; }

    /// <summary>GPUs per replica.</summary>
    public int ReplicaGpus { get; }

    /// <summary>Requests per second one replica serves.</summary>
    public double RequestsPerReplica { get; }

    /// <summary>Largest one-way latency from users to a serving site.</summary>
    public TimeSpan LatencyBound { get; }

    /// <summary>Hourly demand per user region.</summary>
    public IReadOnlyList<RegionDemand> Demand { get; }

    /// <summary>Allowed site ids or area codes; empty = anywhere.</summary>
    public IReadOnlyList<string> Locations { get; }

    /// <summary>Home site.</summary>
    public string? Home { get; }

    /// <summary>Time to start a replica elsewhere (its evacuation time).</summary>
    public TimeSpan StartupTime { get; }
}
