using WattBit.Areas;
using WattBit.Formats;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Planning.Model;

/// <summary>
/// Everything the planner needs: the horizon (hourly steps), the sites and the network between them, the workloads,
/// the signals per grid area (carbon intensity in gCO2/kWh, price in JPY/kWh, optional renewable surplus in MW, all as
/// plain <see cref="SignalSet"/>s keyed by area code), the objective weights and the risk level. The constructor checks
/// the whole problem and names the offending field. Immutable.
/// </summary>
public sealed class PlanningProblem
{
    private readonly Dictionary<string, int> _siteIndex = new(StringComparer.Ordinal);

    /// <summary>Creates and validates the problem.</summary>
    /// <param name="start">Start of the first step.</param>
    /// <param name="steps">Number of hourly steps (1 to 168).</param>
    /// <param name="sites">Sites; ids unique.</param>
    /// <param name="network">Network between the sites.</param>
    /// <param name="workloads">Workloads; ids unique.</param>
    /// <param name="carbon">Carbon intensity per area code (gCO2/kWh), covering the horizon.</param>
    /// <param name="price">Energy price per area code (JPY/kWh), covering the horizon.</param>
    /// <param name="surplus">Optional curtailed renewable energy per area code (MW), for the absorbed-surplus metric.</param>
    /// <param name="costs">Objective weights; default <see cref="PlanningCosts"/>.</param>
    /// <param name="confidence">Probability of staying within a flexible connection's headroom, in [0.5, 1); default 0.9.</param>
    /// <param name="useN1Capacity">Whether plans may use N-1 curtailable extra capacity; default true.</param>
    /// <param name="utcOffset">Offset of the local day for provisional profiles; default +9 h (JST).</param>
    /// <exception cref="ModelValidationException">The problem is inconsistent; the message names the field.</exception>
    public PlanningProblem(DateTimeOffset start, int steps, IReadOnlyList<DcSite> sites, Network network,
        IReadOnlyList<Workload> workloads, SignalSet carbon, SignalSet price, SignalSet? surplus = null,
        PlanningCosts? costs = null, double confidence = 0.9, bool useN1Capacity = true, TimeSpan? utcOffset = null)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(carbon);
        ArgumentNullException.ThrowIfNull(price);
        if (steps is < 1 or > 168)
        {
            throw new ModelValidationException("horizon_hours", $"horizon_hours must be between 1 and 168 (got {steps}).");
        }

        if (!(confidence is >= 0.5 and < 1))
        {
            throw new ModelValidationException("confidence", $"confidence must lie in [0.5, 1) (got {confidence}).");
        }

        if (sites.Count == 0)
        {
            throw new ModelValidationException("sites", "a planning problem needs at least one site.");
        }

        Start = start;
        Steps = steps;
        Sites = sites;
        Network = network;
        Workloads = workloads;
        Carbon = carbon;
        Price = price;
        Surplus = surplus;
        Costs = costs ?? new PlanningCosts();
        Costs.Validate();
        Confidence = confidence;
        UseN1Capacity = useN1Capacity;
        UtcOffset = utcOffset ?? Jst.Offset;
        for (var i = 0; i < sites.Count; i++)
        {
            if (!_siteIndex.TryAdd(sites[i].Id.Value, i))
            {
                throw new ModelValidationException(sites[i].Id.Value, "id", $"site id '{sites[i].Id}' appears twice.");
            }
        }

        Validate();
    }

    /// <summary>Length of one step (one hour).</summary>
    public static TimeSpan Step => TimeSpan.FromHours(1);

    /// <summary>Start of the first step.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Number of hourly steps.</summary>
    public int Steps { get; }

    /// <summary>The planning horizon.</summary>
    public TimeWindow Horizon => TimeWindow.FromDuration(Start, Step * Steps);

    /// <summary>Sites.</summary>
    public IReadOnlyList<DcSite> Sites { get; }

    /// <summary>Network between the sites.</summary>
    public Network Network { get; }

    /// <summary>Workloads.</summary>
    public IReadOnlyList<Workload> Workloads { get; }

    /// <summary>Carbon intensity per area code (gCO2/kWh).</summary>
    public SignalSet Carbon { get; }

    /// <summary>Price per area code (JPY/kWh).</summary>
    public SignalSet Price { get; }

    /// <summary>Curtailed renewable energy per area code (MW), or null.</summary>
    public SignalSet? Surplus { get; }

    /// <summary>Objective weights.</summary>
    public PlanningCosts Costs { get; }

    /// <summary>Probability of staying within flexible headroom.</summary>
    public double Confidence { get; }

    /// <summary>Whether N-1 curtailable extra capacity may be used.</summary>
    public bool UseN1Capacity { get; }

    /// <summary>Offset of the local day for provisional profiles.</summary>
    public TimeSpan UtcOffset { get; }

    /// <summary>The same problem planned at another confidence level.</summary>
    /// <exception cref="ModelValidationException">The confidence is outside [0.5, 1).</exception>
    public PlanningProblem WithConfidence(double confidence) =>
        new(Start, Steps, Sites, Network, Workloads, Carbon, Price, Surplus, Costs, confidence, UseN1Capacity, UtcOffset);

    /// <summary>Start of step <paramref name="t"/>.</summary>
    public DateTimeOffset TimeAt(int t) => Start + (Step * t);

    /// <summary>Index of a site by id, or -1.</summary>
    public int SiteIndex(string id) => _siteIndex.TryGetValue(id, out var i) ? i : -1;

    /// <summary>
    /// Indices of the sites a workload may use: every site when <paramref name="locations"/> is empty, otherwise the
    /// sites whose id, area code or region group is listed.
    /// </summary>
    public int[] EligibleSites(IReadOnlyList<string> locations)
    {
        ArgumentNullException.ThrowIfNull(locations);
        var result = new List<int>();
        for (var i = 0; i < Sites.Count; i++)
        {
            if (locations.Count == 0)
            {
                result.Add(i);
                continue;
            }

            var s = Sites[i];
            foreach (var l in locations)
            {
                if (l == s.Id.Value || string.Equals(l, s.Site.Area.Code, StringComparison.OrdinalIgnoreCase) || l == Network.RegionOf(s.Id))
                {
                    result.Add(i);
                    break;
                }
            }
        }

        return [.. result];
    }

    /// <summary>Home site index of a job: its home when given, else its first eligible site.</summary>
    public int HomeOf(DeferrableJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Home is { } h ? SiteIndex(h) : EligibleSites(job.Locations)[0];
    }

    private void Validate()
    {
        var horizon = Horizon;
        foreach (var s in Sites)
        {
            foreach (var (name, set) in new[] { ("carbon", Carbon), ("price", Price) })
            {
                if (!set.Contains(s.Site.Area.Code))
                {
                    throw new ModelValidationException(s.Id.Value, name, $"site '{s.Id}': no {name} signal for area {s.Site.Area.Code}.");
                }

                if (!set.Window.Contains(horizon) || set.Step != Step)
                {
                    throw new ModelValidationException(name, $"the {name} signal ({set.Window}, step {set.Step}) must be hourly and cover the horizon {horizon}.");
                }
            }

            if (s.Connection.Headroom is { } h && !h.Central.Window.Contains(horizon))
            {
                throw new ModelValidationException(s.Id.Value, "connection.headroom_mw", $"site '{s.Id}': the headroom series {h.Central.Window} does not cover the horizon {horizon}.");
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in Workloads)
        {
            if (!ids.Add(w.Id))
            {
                throw new ModelValidationException(w.Id, "id", $"workload id '{w.Id}' appears twice.");
            }

            switch (w)
            {
                case DeferrableJob j:
                    ValidateJob(j);
                    break;
                case InferenceService svc:
                    ValidateService(svc);
                    break;
                default:
                    throw new ModelValidationException(w.Id, "kind", $"workload '{w.Id}': unsupported kind {w.Kind}.");
            }
        }
    }

    private void ValidateLocations(string id, IReadOnlyList<string> locations, string? home)
    {
        foreach (var l in locations)
        {
            if (EligibleSites([l]).Length == 0)
            {
                var hint = JapanAreas.TryFind(l, out _) ? " (an area with no site)" : string.Empty;
                throw new ModelValidationException(id, "locations", $"workload '{id}': location '{l}' matches no site, area or region{hint}.");
            }
        }

        if (home is not null)
        {
            var hi = SiteIndex(home);
            if (hi < 0)
            {
                throw new ModelValidationException(id, "home", $"workload '{id}': home site '{home}' does not exist.");
            }

            if (Array.IndexOf(EligibleSites(locations), hi) < 0)
            {
                throw new ModelValidationException(id, "home", $"workload '{id}': home site '{home}' is not among its allowed locations.");
            }
        }
    }

    private void ValidateJob(DeferrableJob j)
    {
        ValidateLocations(j.Id, j.Locations, j.Home);
        if (j is BackupTransfer b && SiteIndex(b.Destination) < 0)
        {
            throw new ModelValidationException(j.Id, "destination", $"backup '{j.Id}': destination site '{b.Destination}' does not exist.");
        }

        var fits = false;
        foreach (var i in EligibleSites(j.Locations))
        {
            fits |= Sites[i].Gpus >= j.Gpus && Sites[i].ItCapacity >= j.Power + Sites[i].BaseLoad;
        }

        if (!fits)
        {
            throw new ModelValidationException(j.Id, j.Gpus > 0 ? "gpus" : "power_kw",
                $"job '{j.Id}': no allowed site has room for {j.Gpus} GPUs and {j.Power.Megawatts:0.###} MW at once (a gang runs at one site).");
        }
    }

    private void ValidateService(InferenceService svc)
    {
        ValidateLocations(svc.Id, svc.Locations, svc.Home);
        var eligible = EligibleSites(svc.Locations);
        foreach (var d in svc.Demand)
        {
            if (!d.RequestsPerSecond.Window.Contains(Horizon) || d.RequestsPerSecond.Step != Step)
            {
                throw new ModelValidationException(svc.Id, "demand", $"service '{svc.Id}': demand of region '{d.Region.Name}' must be hourly and cover the horizon {Horizon}.");
            }

            var best = TimeSpan.MaxValue;
            foreach (var i in eligible)
            {
                var l = Network.UserLatency(d.Region, Sites[i].Id);
                best = l < best ? l : best;
            }

            if (best > svc.LatencyBound)
            {
                throw new ModelValidationException(svc.Id, "latency_ms",
                    $"service '{svc.Id}': latency_ms {svc.LatencyBound.TotalMilliseconds:0.###} cannot be met for region '{d.Region.Name}' by any allowed site (nearest: {best.TotalMilliseconds:0.###} ms).");
            }
        }
    }
}
