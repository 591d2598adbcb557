using System.Globalization;
using WattBit.Headroom;
using WattBit.Siting.Candidates;
using WattBit.Siting.Geo;
using WattBit.Siting.Ranking;

namespace WattBit.Siting.Layers;

/// <summary>
/// What the headroom layer offers one candidate: the substation that would serve it, how far it is, and its offer for
/// the study's size (firm = the provisional profile's minimum, hours with room, ③ extra, the limiting line). Immutable.
/// </summary>
/// <param name="Substation">The serving substation: the nearest one for a point candidate, the best one inside a prefecture.</param>
/// <param name="DistanceKm">Great-circle distance from the candidate to the substation, km.</param>
/// <param name="Offer">What the substation offers a connection of the study's size over the layer's hours.</param>
/// <param name="Considered">Substations of the layer considered (1 for a point candidate; those inside the prefecture otherwise).</param>
public sealed record GridPower(Substation Substation, double DistanceKm, NodeOffer Offer, int Considered)
{
    /// <summary>Headroom now: the firm headroom (least N-1 over the hours, the provisional profile's minimum), MW; NaN without data.</summary>
    public double NowMw => Offer.FirmMw;

    /// <summary>Headroom potential: firm plus the ③ extra (least N-0), MW; NaN without data.</summary>
    public double PotentialMw => Offer.FirmMw + Offer.CurtailableExtraMw;
}

/// <summary>Reads the power layers of a study from the one headroom layer (docs/headroom-layer.md). Stateless.</summary>
internal static class GridHeadroom
{
    /// <summary>Per candidate: the layer's offer, or a reason why there is none (no substation in the prefecture, no data).</summary>
    /// <exception cref="ArgumentException">A point candidate lies farther than the spec's max_km from every substation of the layer.</exception>
    public static (GridPower?[] Power, string?[] Gaps) Assess(IHeadroomLayer layer, IReadOnlyList<Candidate> candidates, JapanLocator locator, SitingConfig config)
    {
        var n = candidates.Count;
        var power = new GridPower?[n];
        var gaps = new string?[n];
        var offers = new Dictionary<string, NodeOffer>(StringComparer.Ordinal);
        NodeOffer OfferOf(Substation s)
        {
            if (!offers.TryGetValue(s.Id, out var o))
            {
                o = layer.Offer(s.Id, config.DemandMw);
                offers[s.Id] = o;
            }

            return o;
        }

        Dictionary<int, List<Substation>>? byPrefecture = null;
        for (var c = 0; c < n; c++)
        {
            var candidate = candidates[c];
            if (candidate.Kind == CandidateKind.Prefecture)
            {
                byPrefecture ??= ByPrefecture(layer, locator);
                if (!byPrefecture.TryGetValue(candidate.Prefecture.Code, out var inside) || inside.Count == 0)
                {
                    gaps[c] = $"no substation of the headroom layer ({layer.Info.Model}) in {candidate.Prefecture.NameEn}";
                    continue;
                }

                var best = inside
                    .Select(s => (Substation: s, Offer: OfferOf(s)))
                    .OrderByDescending(t => Basis(t.Offer, config.ScreenBasis) is var v && double.IsNaN(v) ? double.NegativeInfinity : v)
                    .ThenBy(t => t.Substation.Id, StringComparer.Ordinal)
                    .First();
                power[c] = new GridPower(best.Substation, best.Substation.Location!.Value.DistanceKm(candidate.Location), best.Offer, inside.Count);
            }
            else
            {
                (Substation Substation, double Km) near;
                try
                {
                    near = layer.Nearest(candidate.Location, config.GridLayer.MaxKm);
                }
                catch (ArgumentException ex)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"{config.Source}: candidate {candidate} ({candidate.Prefecture.NameJa}): {ex.Message.Split(" (Parameter", 2)[0]} Raise grid_layer.max_km or drop the candidate."), ex);
                }

                power[c] = new GridPower(near.Substation, near.Km, OfferOf(near.Substation), 1);
            }

            if (power[c]!.Offer.Zone == WelcomeZone.Missing)
            {
                gaps[c] = $"no headroom data at {power[c]!.Substation.Id} in the layer's hours";
            }
        }

        return (power, gaps);
    }

    /// <summary>The source line of the power layers, naming the model, whether it is synthetic, its hours and the rule.</summary>
    public static string Describe(IHeadroomLayer layer, SitingConfig config, bool potential)
    {
        var i = layer.Info;
        var scope = config.Candidates.Kind == CandidateKind.Prefecture
            ? "best substation in the prefecture"
            : string.Create(CultureInfo.InvariantCulture, $"nearest substation within {config.GridLayer.MaxKm:0.#} km");
        var what = potential ? "firm + ③ extra (least N-0 headroom)" : "firm = least N-1 headroom (provisional-profile minimum)";
        return string.Create(CultureInfo.InvariantCulture,
            $"headroom layer {i.Model}{(i.Synthetic ? " (synthetic)" : "")}, {i.Hours} h from {WattBit.Time.TimeWindow.Format(i.First)} ({i.Profile}): {what} at the {scope}");
    }

    private static double Basis(NodeOffer offer, HeadroomBasis basis) =>
        basis == HeadroomBasis.Now ? offer.FirmMw : offer.FirmMw + offer.CurtailableExtraMw;

    private static Dictionary<int, List<Substation>> ByPrefecture(IHeadroomLayer layer, JapanLocator locator)
    {
        var map = new Dictionary<int, List<Substation>>();
        foreach (var s in layer.Substations)
        {
            if (s.Location is not { } p)
            {
                continue;
            }

            int code;
            try
            {
                code = locator.Locate(p).Prefecture.Code;
            }
            catch (ArgumentException)
            {
                continue; // off the map's coast beyond its tolerance: serves no prefecture candidate.
            }

            if (!map.TryGetValue(code, out var list))
            {
                map[code] = list = [];
            }

            list.Add(s);
        }

        return map;
    }
}
