using WattBit.Dispatch;
using WattBit.Units;

namespace WattBit.Planning.Dispatch;

/// <summary>When and how much the on-site generator carries during a reduction. Stateless.</summary>
public static class GeneratorDispatch
{
    /// <summary>
    /// Whether <paramref name="site"/>'s generator may relieve the reduction <paramref name="need"/> of
    /// <paramref name="dispatchEvent"/>: there is one, the site is up, it starts within the notice, and the event is a grid
    /// emergency or the generator is allowed for demand response.
    /// </summary>
    public static bool Allowed(DispatchEvent dispatchEvent, SiteState site, Requirement need)
    {
        ArgumentNullException.ThrowIfNull(dispatchEvent);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(need);
        return site.Site.Generator is { } g && !site.Failed && dispatchEvent.IssuedAt + g.StartupTime <= need.Deadline &&
               (dispatchEvent is not CurtailmentOrder { Purpose: CurtailmentPurpose.DemandResponse } || g.UseForDemandResponse);
    }

    /// <summary>
    /// The start-generator action relieving up to <paramref name="leftMw"/>: the output the fuel left holds for the
    /// event's duration beyond what it already gives, in place after its start-up time; null when not allowed or nothing.
    /// </summary>
    public static DispatchAction? Action(DispatchEvent dispatchEvent, SiteState site, Requirement need, double leftMw, string reasonPrefix = "")
    {
        if (!Allowed(dispatchEvent, site, need))
        {
            return null;
        }

        var g = site.Site.Generator!;
        var extra = Math.Min(leftMw, g.SustainablePower(site.FuelLeft, need.Duration).Megawatts - site.GeneratorOutput.Megawatts);
        if (extra <= 1e-9)
        {
            return null;
        }

        var emissions = g.EmissionsOf(Power.FromMegawatts(extra), need.Duration);
        return new DispatchAction(DispatchActionKind.StartGenerator, string.Empty, site.Site.Id, null, 1, Power.FromMegawatts(extra), dispatchEvent.IssuedAt + g.StartupTime,
            FormattableString.Invariant($"{reasonPrefix}on-site generator carries {extra:0.###} MW for {need.Duration.TotalHours:0.##} h after a {g.StartupTime.TotalMinutes:0.#} min start ({site.FuelLeft.MegawattHours:0.#} MWh of fuel left; {emissions.Kilograms / 1000:0.###} t CO2)"));
    }
}
