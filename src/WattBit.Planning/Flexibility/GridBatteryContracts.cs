using WattBit.Headroom;
using WattBit.Units;

namespace WattBit.Planning.Flexibility;

/// <summary>A battery elsewhere on the grid that a data centre could contract. Immutable.</summary>
/// <param name="Id">The battery's id.</param>
/// <param name="Node">The node (bus) it is connected at.</param>
/// <param name="Power">The discharge it can hold for the contract.</param>
/// <param name="Price">What the contract costs for that power (JPY, over the contract's term).</param>
public sealed record GridBatteryOffer(string Id, string Node, Power Power, Money Price);

/// <summary>One candidate with what it does for the data centre. Immutable.</summary>
/// <param name="Offer">The battery.</param>
/// <param name="Relief">The grid's answer for it (headroom without and with, limiting branch, sensitivities).</param>
/// <param name="YenPerMwOfRelief">Price per MW of headroom gained, or null when it gives none.</param>
/// <param name="Why">Why it does or does not help, in words.</param>
public sealed record GridBatteryChoice(GridBatteryOffer Offer, BatteryRelief Relief, double? YenPerMwOfRelief, string Why);

/// <summary>
/// Chooses among batteries elsewhere for a data centre without its own (decision 0146): each is assessed by the grid's
/// <see cref="IBatteryRelief"/> (sensitivities of the data centre's limiting lines, not distance) and ranked by price
/// per MW of headroom it adds; those that add none come last with the reason. Stateless and thread-safe.
/// </summary>
public static class GridBatteryContracts
{
    /// <summary>Ranks <paramref name="offers"/> for the data centre at <paramref name="dcNode"/>: helpful ones cheapest per MW of relief first.</summary>
    /// <exception cref="KeyNotFoundException">A node is not in the grid's model.</exception>
    public static IReadOnlyList<GridBatteryChoice> Rank(string dcNode, IReadOnlyList<GridBatteryOffer> offers, IBatteryRelief grid)
    {
        ArgumentNullException.ThrowIfNull(offers);
        ArgumentNullException.ThrowIfNull(grid);
        var choices = new List<GridBatteryChoice>(offers.Count);
        foreach (var o in offers)
        {
            var r = grid.Assess(dcNode, o.Node, o.Power);
            var why = r.Relieves
                ? FormattableString.Invariant($"adds {r.Relief.Megawatts:0.###} MW at {dcNode} ({r.ReliefPerMw:0.###} MW per MW discharged); limiting branch {r.LimitingBranch ?? "none"} -> {r.LimitingBranchWith ?? "none"}")
                : r.LimitingBranch is null
                    ? $"{dcNode} is not limited by any branch (capped), so no battery can add headroom"
                    : FormattableString.Invariant($"does not relieve branch {r.LimitingBranch}: load at {dcNode} moves its flow {r.DcSensitivity:0.###} MW/MW, the battery's injection {r.BatterySensitivity:0.###} MW/MW (it must push the other way)");
            choices.Add(new GridBatteryChoice(o, r, r.Relieves ? o.Price.Yen / r.Relief.Megawatts : null, why));
        }

        return [.. choices.OrderBy(c => c.YenPerMwOfRelief is null ? 1 : 0).ThenBy(c => c.YenPerMwOfRelief ?? 0).ThenByDescending(c => c.Relief.Relief.Megawatts)
            .ThenBy(c => c.Offer.Id, StringComparer.Ordinal)];
    }
}
