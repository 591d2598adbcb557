using WattBit.Areas;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Market;

/// <summary>
/// Work an operator wants placed on another operator's capacity (formats.md section 7): <see cref="Power"/> for
/// <see cref="Hours"/> hours inside <see cref="Window"/>, worth <see cref="ValueYenPerMwh"/>. Immutable.
/// </summary>
/// <param name="Id">The bid's identifier, unique in a market.</param>
/// <param name="Operator">The buying operator.</param>
/// <param name="Power">The grid draw of the work (the most it takes in any hour).</param>
/// <param name="Hours">How many hours the work runs.</param>
/// <param name="Window">Release and deadline, <c>[release, deadline)</c>, on whole hours.</param>
/// <param name="ValueYenPerMwh">The most the buyer pays per MWh.</param>
/// <param name="Areas">The areas the work may run in; null for any area.</param>
/// <param name="Requires">Tags every offer it uses must carry.</param>
/// <param name="Divisible">
/// False: one offer, one contiguous block of <see cref="Hours"/> hours, all or nothing. True: any hours, any offers,
/// any share of <see cref="Power"/> per hour, up to <see cref="Power"/> × <see cref="Hours"/> in all.
/// </param>
public sealed record MarketBid(string Id, string Operator, Power Power, int Hours, TimeWindow Window, double ValueYenPerMwh,
    IReadOnlySet<GridArea>? Areas, IReadOnlySet<string> Requires, bool Divisible)
{
    /// <summary>The most energy the bid buys, MWh.</summary>
    public double MaxMwh => Power.Megawatts * Hours;

    /// <summary>Whether the work may run in <paramref name="area"/>.</summary>
    public bool Allows(GridArea area) => Areas is null || Areas.Contains(area);
}
