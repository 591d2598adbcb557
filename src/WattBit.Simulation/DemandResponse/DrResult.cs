using WattBit.Planning.Flexibility;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.DemandResponse;

/// <summary>
/// One site's part of a request under one policy: what it offered and committed, and what its metered draw in the run
/// with the request delivered against the ERAB baseline (energies in kWh over the window).
/// </summary>
/// <param name="Site">Site id.</param>
/// <param name="BatteryMw">Battery discharge offered (charging for an up request), MW, the window's mean.</param>
/// <param name="WorkMw">Work offered, MW at the grid (the window's mean of each step's offer): for a down request interruptible jobs running then whose deadline allows the wait; for an up request jobs placed later that may start in the window.</param>
/// <param name="GeneratorMw">On-site generation offered, MW, the window's mean.</param>
/// <param name="CommittedMw">MW committed to the request in its largest 30-minute slot (the profile is <see cref="CommittedSlotsMw"/>, decision 0214).</param>
/// <param name="CommittedGeneratorMw">Of it, the generator's largest slot, MW.</param>
/// <param name="Why">Why the baseline is not computable (null when it is): the site is then not paid, never credited a made-up value.</param>
/// <param name="BaselineKwh">ERAB baseline over the window (same-day adjustment included), kWh.</param>
/// <param name="ActualKwh">Metered draw over the window in the run with the request (after on-site generation), kWh.</param>
/// <param name="CreditedKwh">Σ per slot of the delivered energy (baseline − actual; actual − baseline for an up request) clamped to [0, committed], kWh.</param>
/// <param name="ShortfallKwh">Committed less credited energy, kWh (per slot: its commitment less its credit).</param>
/// <param name="WithoutRequestKwh">Draw in the same policy's run without any request less the metered draw with it (the reverse for an up request), kWh (what the request really changed, in its direction).</param>
/// <param name="AmountYen">Payment: credited kWh × the request's price (or each slot's day-ahead price), JPY.</param>
/// <param name="GeneratorMwh">Energy the generator produced in the window, MWh.</param>
/// <param name="GeneratorTonnes">Its emissions, tCO2.</param>
/// <param name="GeneratorCostYen">Its fuel cost, JPY.</param>
/// <param name="BaselineGapMw">How far the site's schedule stood above the ERAB baseline it expected, at the window's worst step, MW: offered
/// reduction the baseline would not credit, left out of the commitment (decision 0194).</param>
/// <param name="ExpectedBaselineKwh">The ERAB baseline the site expected over the window when it committed, from the run without
/// requests (decision 0194), kWh; null when it was not computable. Beside <paramref name="BaselineKwh"/> (measured on the run
/// with the requests) it shows how far the baseline moved between commitment and settlement.</param>
public sealed record DrSiteOutcome(string Site, double BatteryMw, double WorkMw, double GeneratorMw, double CommittedMw, double CommittedGeneratorMw, string? Why,
    double BaselineKwh, double ActualKwh, double CreditedKwh, double ShortfallKwh, double WithoutRequestKwh, double AmountYen,
    double GeneratorMwh, double GeneratorTonnes, double GeneratorCostYen, double BaselineGapMw = 0, double? ExpectedBaselineKwh = null)
{
    /// <summary>Whether the ERAB baseline could be computed for this site and window.</summary>
    public bool Computable => Why is null;

    /// <summary>The commitment per 30-minute slot of the window, MW (empty when the site committed nothing; decision 0214).</summary>
    public IReadOnlyList<double> CommittedSlotsMw { get; init; } = [];

    /// <summary>The generator's part of the commitment per 30-minute slot, MW (empty when the site committed nothing).</summary>
    public IReadOnlyList<double> GeneratorSlotsMw { get; init; } = [];

    /// <summary>The energy committed over the window: Σ slot × 30 min, kWh.</summary>
    public double CommittedKwh => CommittedSlotsMw.Sum() * 500;

    /// <summary>Hours the generator was committed to run (30-minute slots with a generator part).</summary>
    public double GeneratorHours => GeneratorSlotsMw.Count(x => x > 0) * 0.5;
}

/// <summary>A request under one policy: offers, commitment and measured delivery per site.</summary>
/// <param name="Request">The request.</param>
/// <param name="OfferedMw">What the area's sites offered for the window, MW.</param>
/// <param name="Sites">Every site of the area that offered something.</param>
/// <param name="Note">Why less than asked was committed, or null.</param>
public sealed record DrRequestOutcome(DrRequest Request, double OfferedMw, IReadOnlyList<DrSiteOutcome> Sites, string? Note)
{
    /// <summary>Energy committed, kWh: Σ over the sites' per-slot profiles.</summary>
    public double CommittedKwh => Sites.Sum(s => s.CommittedKwh);

    /// <summary>Mean MW committed over the window (from the profiles).</summary>
    public double CommittedMw => CommittedKwh / 1000 / Request.Hours;

    /// <summary>The fleet's commitment per 30-minute slot, MW: Σ over the sites' profiles (empty when nothing was committed).</summary>
    public IReadOnlyList<double> CommittedSlotsMw =>
        Sites.Where(s => s.CommittedSlotsMw.Count > 0).Select(s => s.CommittedSlotsMw).Aggregate((IReadOnlyList<double>)[], (a, b) => a.Count == 0 ? b : [.. a.Zip(b, (x, y) => x + y)]);

    /// <summary>Credited energy, kWh.</summary>
    public double CreditedKwh => Sites.Sum(s => s.CreditedKwh);

    /// <summary>Mean MW delivered over the window as credited against the baseline.</summary>
    public double DeliveredMw => CreditedKwh / 1000 / Request.Hours;

    /// <summary>Mean MW the request changed against the run without it.</summary>
    public double WithoutRequestMw => Sites.Sum(s => s.WithoutRequestKwh) / 1000 / Request.Hours;

    /// <summary>Shortfall, kWh.</summary>
    public double ShortfallKwh => Sites.Sum(s => s.ShortfallKwh);

    /// <summary>Payment, JPY.</summary>
    public double AmountYen => Sites.Sum(s => s.AmountYen);

    /// <summary>Committed sites whose baseline was not computable.</summary>
    public int NotComputable => Sites.Count(s => s.CommittedMw > 0 && !s.Computable);
}

/// <summary>
/// Demand response under one policy: every request's outcome, and the runs without and with the requests (the same
/// workload and seed), whose difference is what delivering cost in delayed and unserved work and emissions.
/// </summary>
/// <param name="Policy">The policy.</param>
/// <param name="TakesPart">False for policies that ignore grid limits and orders: they make no offers.</param>
/// <param name="Requests">One outcome per request (empty when the policy takes no part).</param>
/// <param name="Without">The policy's run without requests.</param>
/// <param name="With">The run with the committed reductions delivered (null when it takes no part).</param>
public sealed record DrPolicyOutcome(PolicyKind Policy, bool TakesPart, IReadOnlyList<DrRequestOutcome> Requests, PolicyResult Without, PolicyResult? With)
{
    /// <summary>Where the policy's demand-response time went (wall clock of this host), or null when it takes no part.</summary>
    public DrTiming? Timing { get; init; }

    /// <summary>MWh asked (MW × hours, over all requests).</summary>
    public double RequestedMwh => Requests.Sum(r => r.Request.Mw * r.Request.Hours);

    /// <summary>MWh committed.</summary>
    public double CommittedMwh => Requests.Sum(r => r.CommittedKwh) / 1000;

    /// <summary>MWh credited against the ERAB baseline.</summary>
    public double CreditedMwh => Requests.Sum(r => r.CreditedKwh) / 1000;

    /// <summary>MWh of draw the requests removed against the run without them.</summary>
    public double WithoutRequestMwh => Requests.Sum(r => r.WithoutRequestMw * r.Request.Hours);

    /// <summary>Payments, JPY.</summary>
    public double RevenueYen => Requests.Sum(r => r.AmountYen);

    /// <summary>Site-hours the on-site generators ran.</summary>
    public double GeneratorSiteHours => Requests.Sum(r => r.Sites.Sum(s => s.GeneratorHours));

    /// <summary>Energy generated on site, MWh.</summary>
    public double GeneratorMwh => Requests.Sum(r => r.Sites.Sum(s => s.GeneratorMwh));

    /// <summary>Emissions of on-site generation, tCO2.</summary>
    public double GeneratorTonnes => Requests.Sum(r => r.Sites.Sum(s => s.GeneratorTonnes));

    /// <summary>Fuel cost of on-site generation, JPY.</summary>
    public double GeneratorCostYen => Requests.Sum(r => r.Sites.Sum(s => s.GeneratorCostYen));

    /// <summary>Jobs finished late in the run with requests less those without.</summary>
    public int LateJobsAdded => With is null ? 0 : With.LateJobs - Without.LateJobs;

    /// <summary>Times stopped work resumed later, with requests less without (work delayed by the reductions).</summary>
    public int ResumesAdded => With is null ? 0 : With.JobsResumed - Without.JobsResumed;

    /// <summary>IT energy not served (jobs never run or lost, inference shed), with requests less without, MWh.</summary>
    public double UnservedMwhAdded => With is null ? 0 : Unserved(With) - Unserved(Without);

    /// <summary>Grid lifecycle emissions with requests less without, tCO2 (on-site generation not included).</summary>
    public double GridTonnesAdded => With is null ? 0 : With.Overall.LifecycleTonnes - Without.Overall.LifecycleTonnes;

    /// <summary>Requested, committed and credited energy and revenue of the requests in one direction (decision 0196).</summary>
    /// <param name="direction">Down (less draw) or up (上げDR).</param>
    public DrTotals In(FlexDirection direction)
    {
        var list = Requests.Where(r => r.Request.Direction == direction).ToList();
        return new DrTotals(list.Count, list.Sum(r => r.Request.Mw * r.Request.Hours), list.Sum(r => r.CommittedKwh) / 1000, list.Sum(r => r.CreditedKwh) / 1000,
            list.Sum(r => r.WithoutRequestMw * r.Request.Hours), list.Sum(r => r.AmountYen));
    }

    private static double Unserved(PolicyResult r) => r.UnservedJobItMwh + r.CurtailedJobItMwh + r.InferenceUnservedItMwh;
}

/// <summary>The requests of one direction under one policy, in total.</summary>
/// <param name="Requests">Number of requests.</param>
/// <param name="RequestedMwh">MWh asked.</param>
/// <param name="CommittedMwh">MWh committed.</param>
/// <param name="CreditedMwh">MWh delivered as the ERAB baseline credits it (baseline − metered for down, metered − baseline for up, within [0, committed] per slot).</param>
/// <param name="ChangedMwh">MWh the draw moved in the request's direction against the run without requests.</param>
/// <param name="RevenueYen">Payments, JPY.</param>
public sealed record DrTotals(int Requests, double RequestedMwh, double CommittedMwh, double CreditedMwh, double ChangedMwh, double RevenueYen);

/// <summary>What a simulation's demand-response section measured.</summary>
/// <param name="Requests">Every request (stated and generated from price spikes), by start.</param>
/// <param name="Policies">One outcome per policy, in scenario order.</param>
/// <param name="GeneratorSites">Sites fitted with a generator.</param>
/// <param name="PriceSource">Where the price spikes' prices come from (real JEPX or the synthetic year), for the report.</param>
public sealed record DrSimulationResult(IReadOnlyList<DrRequest> Requests, IReadOnlyList<DrPolicyOutcome> Policies, int GeneratorSites, string PriceSource);

/// <summary>
/// The wall-clock phases of one policy's demand response: offers and commitments on the run without requests, the rerun
/// with the requests (the engine's whole call: forecasts, the policy's run, and any run the engine adds), and the
/// metering and ERAB settlement of every committed site.
/// </summary>
/// <param name="Offers">Offers, expected baselines and commitments over every request.</param>
/// <param name="Rerun">The engine's rerun with the committed cuts and floors, the whole call.</param>
/// <param name="RerunPolicy">Of it, the policy's own run (its <see cref="PolicyResult.Elapsed"/>).</param>
/// <param name="RerunWithoutBatteries">Of it, the batteries-off run the engine makes for a limit-honouring policy (decision 0179), or zero when not made.</param>
/// <param name="Metering">Meters, baselines and credit of every committed site.</param>
public sealed record DrTiming(TimeSpan Offers, TimeSpan Rerun, TimeSpan RerunPolicy, TimeSpan RerunWithoutBatteries, TimeSpan Metering)
{
    /// <summary>All phases.</summary>
    public TimeSpan Total => Offers + Rerun + Metering;
}
