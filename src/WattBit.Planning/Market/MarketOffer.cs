using WattBit.Areas;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Market;

/// <summary>
/// A data-centre operator's offer of spare capacity at one of its sites (formats.md section 7): <see cref="Power"/>
/// grid draw available in every hour of <see cref="Window"/>, at no less than <see cref="AskYenPerMwh"/>. Immutable.
/// </summary>
/// <param name="Id">The offer's identifier, unique in a market.</param>
/// <param name="Operator">The selling operator.</param>
/// <param name="Site">The selling site (one of the operator's).</param>
/// <param name="Area">The grid area the site is connected in.</param>
/// <param name="Window">The whole hours offered, <c>[start, end)</c>.</param>
/// <param name="Power">Grid draw available in every hour (IT load × PUE).</param>
/// <param name="AskYenPerMwh">The lowest price per MWh the seller accepts.</param>
/// <param name="Tags">What the site provides (for example gpu, confidential, jp-only).</param>
public sealed record MarketOffer(string Id, string Operator, SiteId Site, GridArea Area, TimeWindow Window, Power Power,
    double AskYenPerMwh, IReadOnlySet<string> Tags)
{
    /// <summary>Whether the offer carries every tag in <paramref name="required"/>.</summary>
    public bool Provides(IReadOnlySet<string> required)
    {
        ArgumentNullException.ThrowIfNull(required);
        return required.All(Tags.Contains);
    }
}
