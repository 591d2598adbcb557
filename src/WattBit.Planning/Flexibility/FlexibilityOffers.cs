using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Planning.Flexibility;

/// <summary>Which way a flexibility offer moves a site's grid draw.</summary>
public enum FlexDirection
{
    /// <summary>Less grid draw (下げ: peak, supply warning).</summary>
    Down,

    /// <summary>More grid draw (上げ: surplus renewables).</summary>
    Up,
}

/// <summary>
/// What one site offers for one hour of a day-ahead plan: told at the start of the plan hour, it moves its grid draw by
/// <see cref="Power"/> in <see cref="Direction"/> within <see cref="Notice"/> and holds it over <see cref="Window"/>
/// (which starts at the hour plus the notice), at <see cref="Price"/>. Immutable.
/// </summary>
/// <param name="Site">The site.</param>
/// <param name="Area">The site's area code.</param>
/// <param name="Window">When the offered change holds: from the plan hour plus the notice, for the terms' duration.</param>
/// <param name="Direction">Down or up.</param>
/// <param name="Power">The offered change of grid draw (non-negative).</param>
/// <param name="FromBattery">The part from the battery (more discharge or less charge, or the reverse for up).</param>
/// <param name="FromWork">The part from deferring interruptible work whose deadline allows (down only), grid side.</param>
/// <param name="Notice">The notice the offer needs.</param>
/// <param name="Price">The asking price: the plan's cost of energy at the site and hour (price plus carbon price) plus the premium;
/// when the on-site generator is part of the offer, at least its fuel cost plus the carbon price of its emissions, plus the premium.</param>
/// <param name="FromGenerator">The part from the on-site generator (down only, when the operator allows it for demand response).</param>
public sealed record FlexibilityOffer(SiteId Site, string Area, TimeWindow Window, FlexDirection Direction, Power Power, Power FromBattery,
    Power FromWork, TimeSpan Notice, EnergyPrice Price, Power FromGenerator = default);

/// <summary>How offers are sized and priced. Immutable.</summary>
public sealed record FlexibilityTerms
{
    /// <summary>The default: one-hour offers at 15 minutes' notice, no premium.</summary>
    public static FlexibilityTerms Default { get; } = new();

    /// <summary>How long an offered change must hold. Default 1 h.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The notice the fleet asks for. Default 15 min.</summary>
    public TimeSpan Notice { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Added to the plan's cost of energy to make the asking price (JPY/kWh). Default 0.</summary>
    public double PremiumYenPerKwh { get; init; }
}

/// <summary>
/// Day-ahead flexibility offers computed from a plan, per site and hour (decision 0141). Down: the battery's
/// sustainable discharge beyond what the plan already draws from it (stopping a planned charge included), plus the
/// grid-side power of interruptible batch and backup work running in that hour that can pause within the notice and
/// still finish before its deadline after the window; then the on-site generator when the operator allows it for demand
/// response and it starts within the notice (its fuel spread over the window). Up: the battery's charging room for the window, within the
/// connection limit the plan respects. Moving work to other sites, inference and training are left out on purpose:
/// they depend on other sites' room, which several offers would count twice, and they may delay work.
/// Stateless and thread-safe.
/// </summary>
public static class FlexibilityOffers
{
    private const double Eps = 1e-9;

    /// <summary>Every site's down and up offer for every hour of the plan (offers of zero MW left out).</summary>
    /// <exception cref="ArgumentException">The plan does not belong to the problem (different sites).</exception>
    public static IReadOnlyList<FlexibilityOffer> FromPlan(PlanningProblem problem, Plan plan, FlexibilityTerms? terms = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        terms ??= FlexibilityTerms.Default;
        if (plan.Sites.Count != problem.Sites.Count)
        {
            throw new ArgumentException($"the plan has {plan.Sites.Count} sites but the problem {problem.Sites.Count}.", nameof(plan));
        }

        var offers = new List<FlexibilityOffer>();
        for (var t = 0; t < problem.Steps; t++)
        {
            var at = problem.TimeAt(t);
            var state = FleetState.FromPlan(problem, plan, at);
            for (var s = 0; s < problem.Sites.Count; s++)
            {
                offers.AddRange(At(problem, plan, state, s, t, terms));
            }
        }

        return offers;
    }

    private static IEnumerable<FlexibilityOffer> At(PlanningProblem problem, Plan plan, FleetState state, int s, int t, FlexibilityTerms terms)
    {
        var site = problem.Sites[s];
        var siteState = state.Sites[s];
        var at = problem.TimeAt(t);
        var window = TimeWindow.FromDuration(at + terms.Notice, terms.Duration);
        var price = EnergyPrice.FromYenPerKilowattHour((siteState.CostPerMwh / 1000) + terms.PremiumYenPerKwh);
        var pue = site.Pue.BasePue;
        var draw = state.DrawOf(s).Megawatts;
        var output = siteState.BatteryOutput.Megawatts;

        // Down: battery first, then deferrable work, never more than the site draws.
        var battery = site.Battery is { } b ? Math.Max(0, b.SustainablePower(siteState.BatteryStored, terms.Duration).Megawatts - output) : 0;
        var work = 0.0;
        foreach (var w in state.Running)
        {
            if (w.Site == site.Id && w.Interruptible && w.Kind is WorkloadKind.Batch or WorkloadKind.Backup && w.Deadline is { } deadline &&
                terms.Notice >= w.CheckpointTime && at + terms.Notice + terms.Duration + w.RemainingWork <= deadline)
            {
                work += w.Power.Megawatts * pue;
            }
        }

        battery = Math.Min(battery, Math.Max(0, draw));
        work = Math.Min(work, Math.Max(0, draw - battery));

        // Then the on-site generator, if the operator allows it for DR and it starts within the notice (as the dispatcher uses it).
        var generator = 0.0;
        var downPrice = price;
        if (site.Generator is { UseForDemandResponse: true } g && g.StartupTime <= terms.Notice)
        {
            generator = Math.Min(Math.Max(0, g.SustainablePower(siteState.FuelLeft, terms.Duration).Megawatts - siteState.GeneratorOutput.Megawatts),
                Math.Max(0, draw - battery - work));
            var fuel = g.FuelCost.YenPerKilowattHour + (g.Emissions.GramsPerKilowattHour / 1e6 * problem.Costs.CarbonPriceYenPerTonne) + terms.PremiumYenPerKwh;
            if (generator > Eps && fuel > price.YenPerKilowattHour)
            {
                downPrice = EnergyPrice.FromYenPerKilowattHour(fuel);
            }
        }

        if (battery + work + generator > Eps)
        {
            yield return new FlexibilityOffer(site.Id, site.Site.Area.Code, window, FlexDirection.Down, Power.FromMegawatts(battery + work + generator),
                Power.FromMegawatts(battery), Power.FromMegawatts(work), terms.Notice, downPrice, Power.FromMegawatts(generator));
        }

        // Up: charge the battery more (or discharge less) for the window, within the plan's connection limit.
        if (site.Battery is { } bat)
        {
            var room = Math.Max(0, (bat.MaxSoc * bat.EnergyCapacity.MegawattHours) - siteState.BatteryStored.MegawattHours);
            var charge = Math.Min(bat.MaxPower.Megawatts + output, room / bat.ChargeEfficiency / terms.Duration.TotalHours);
            var limit = plan.Sites[s].LimitMw[t];
            var up = Math.Max(0, Math.Min(charge, double.IsFinite(limit) ? limit - draw : charge));
            if (up > Eps)
            {
                yield return new FlexibilityOffer(site.Id, site.Site.Area.Code, window, FlexDirection.Up, Power.FromMegawatts(up),
                    Power.FromMegawatts(up), Power.Zero, terms.Notice, price);
            }
        }
    }
}
