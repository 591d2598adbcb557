namespace WattBit.Headroom;

/// <summary>
/// The headroom of one substation in one hour: how much load can be added there without any monitored line exceeding
/// its rating, with all equipment in service (N-0, ②) and under every single outage (N-1, ③).
/// </summary>
/// <param name="Start">Start of the hour.</param>
/// <param name="N0Mw">N-0 headroom, MW.</param>
/// <param name="N1Mw">N-1 headroom, MW; NaN when the source gives no N-1 value (a TSO upload of one figure gives both).</param>
/// <param name="LimitingLine">The line that limits the N-1 headroom (N-0 when N-1 is missing), or null when none does (capped) or the source does not say.</param>
/// <param name="Contingency">The outage under which <paramref name="LimitingLine"/> limits, or null for the base case.</param>
/// <param name="N0Line">The line that limits the N-0 headroom, or null when none does or the source does not say (decision 0212).</param>
/// <param name="LineFactor">MW of flow on <paramref name="LimitingLine"/> (under <paramref name="Contingency"/>) per MW of load added at the
/// substation, from the grid engine's sensitivities: a shortfall of x MW of headroom needs that line uprated by x × this factor
/// (decision 0226). NaN when the source does not say.</param>
/// <param name="N0LineFactor">The same for <paramref name="N0Line"/> with everything in service; NaN when the source does not say.</param>
/// <param name="N0SignedMw">The N-0 headroom without its floor at 0, MW (decision 0234): below 0 by the MW of load the substation must shed for
/// every line to be within its normal rating, and then <paramref name="N0Line"/> is the line that sets it; NaN when the source does not say.</param>
/// <param name="SecureSignedMw">The same for the secure headroom (<see cref="SecureMw"/>): below 0, <paramref name="LimitingLine"/> under
/// <paramref name="Contingency"/> is the line most over its limit per MW of the substation's load; NaN when the source does not say.</param>
public readonly record struct HeadroomHour(DateTimeOffset Start, double N0Mw, double N1Mw, string? LimitingLine, string? Contingency, string? N0Line = null,
    double LineFactor = double.NaN, double N0LineFactor = double.NaN, double N0SignedMw = double.NaN, double SecureSignedMw = double.NaN)
{
    /// <summary>The secure headroom: N-1 when known, else N-0, MW.</summary>
    public double SecureMw => double.IsNaN(N1Mw) ? N0Mw : N1Mw;
}
