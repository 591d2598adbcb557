using WattBit.Grid.Headroom;
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

    /// <summary>
    /// The backbone with lines uprated or added (a roadmap's line reinforcements, decision 0226): each change applied to the network
    /// in order by the grid engine's what-if records; a new line is one circuit of an OCCTO-style line named as the change
    /// gives it (shown as "NAME 1L"), in the area of its first bus.
    /// </summary>
    /// <param name="model">The backbone.</param>
    /// <param name="changes">The changes, each with the name of a new line (ignored for an uprate).</param>
    /// <exception cref="ArgumentException">A change that does not fit the network.</exception>
    public static JapanBackbone WithLines(JapanBackbone model, IReadOnlyList<(NetworkChange Change, string Name)> changes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(changes);
        var net = model.Network;
        var branches = model.Branches.ToList();
        foreach (var (change, name) in changes)
        {
            if (change is BranchUprate up && (uint)up.Branch >= (uint)net.Branches.Length)
            {
                throw new ArgumentException($"uprate of branch {up.Branch + 1}: the backbone has {net.Branches.Length} branches.", nameof(changes));
            }

            net = change.Apply(net);
            if (change is NewLine nl)
            {
                var (a, b) = (model.Buses[nl.From], model.Buses[nl.To]);
                branches.Add(new JapanBranch(JapanBranchKind.Line, a.Area, name, 1, Math.Min(a.VoltageKv, b.VoltageKv), $"{a.Name} → {b.Name}",
                    a.Location.DistanceKm(b.Location)));
            }
        }

        return new JapanBackbone(new PowerNetwork(model.Network.Name, net.BaseMva, net.Buses, net.Generators, net.Branches, net.Areas), model.Buses, branches,
            model.Plants, model.Links, model.LeftOut, model.AreaBases);
    }
}
