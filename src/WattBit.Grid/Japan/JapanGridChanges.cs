using WattBit.Grid.Network;

namespace WattBit.Grid.Japan;

/// <summary>
/// The backbone changed for a later year (decision 0184): the base grid's demand grown per area and AC ties reinforced.
/// Stateless.
/// </summary>
public static class JapanGridChanges
{
    /// <summary>
    /// The backbone with each area's loads (every bus's Pd, so also the mean link flows folded into the tie stations' loads)
    /// multiplied by its factor, and the ratings (A, B, C) of the named AC ties' circuits by theirs: new parallel capacity
    /// on the same route, impedances unchanged.
    /// </summary>
    /// <param name="model">The backbone.</param>
    /// <param name="demandFactor">Per area code, the factor of its loads (areas not listed: 1).</param>
    /// <param name="tieRatingFactor">Per OCCTO name of an AC tie, the factor of its circuits' ratings.</param>
    public static JapanBackbone Apply(JapanBackbone model, IReadOnlyDictionary<string, double> demandFactor, IReadOnlyDictionary<string, double> tieRatingFactor)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(demandFactor);
        ArgumentNullException.ThrowIfNull(tieRatingFactor);
        var net = model.Network;
        var buses = net.Buses.Select((b, i) => demandFactor.TryGetValue(model.Buses[i].Area.Code, out var f) && f != 1 ? b with { Pd = b.Pd * f } : b);
        var branches = net.Branches.Select((br, l) => model.Branches[l].Kind == JapanBranchKind.Tie && tieRatingFactor.TryGetValue(model.Branches[l].OcctoName, out var f)
            ? br with { RateA = br.RateA * f, RateB = br.RateB * f, RateC = br.RateC * f }
            : br);
        var grown = new PowerNetwork(net.Name, net.BaseMva, buses, net.Generators, branches, net.Areas);
        return new JapanBackbone(grown, model.Buses, model.Branches, model.Plants, model.Links, model.LeftOut, model.AreaBases);
    }
}
