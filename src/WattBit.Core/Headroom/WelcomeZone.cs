namespace WattBit.Headroom;

/// <summary>Welcome-zone class (ウェルカムゾーン) of a node for a given connection size.</summary>
public enum WelcomeZone
{
    /// <summary>The firm headroom (N-1, every hour) covers the size.</summary>
    Firm,

    /// <summary>Not firm, but the N-1 headroom covers it at least half of the time (dynamic / provisional operation).</summary>
    Dynamic,

    /// <summary>Only the N-0 headroom covers it at every hour: connectable under ③ with curtailment on contingencies.</summary>
    Curtailable,

    /// <summary>None of the above.</summary>
    Constrained,

    /// <summary>No headroom data (a dead island, or no hour of the period).</summary>
    Missing,
}

/// <summary>The one rule that classifies a node into a welcome zone, used by the grid engine and the headroom layer.</summary>
public static class WelcomeZoneRule
{
    /// <summary>Classifies a node.</summary>
    /// <param name="firmMw">Least N-1 headroom of the period (NaN = no data).</param>
    /// <param name="medianN1Mw">Median N-1 headroom of the period.</param>
    /// <param name="minN0Mw">Least N-0 headroom of the period.</param>
    /// <param name="sizeMw">The connection size, MW.</param>
    public static WelcomeZone Classify(double firmMw, double medianN1Mw, double minN0Mw, double sizeMw) =>
        double.IsNaN(firmMw) || double.IsNaN(minN0Mw) ? WelcomeZone.Missing
        : firmMw >= sizeMw ? WelcomeZone.Firm
        : medianN1Mw >= sizeMw ? WelcomeZone.Dynamic
        : minN0Mw >= sizeMw ? WelcomeZone.Curtailable
        : WelcomeZone.Constrained;

    /// <summary>The zone name written to files and APIs: firm, dynamic, curtailable, constrained, missing.</summary>
    public static string Name(WelcomeZone zone) => zone.ToString().ToLowerInvariant();
}

/// <summary>
/// What a node offers a connection of a given size over the layer's period (siting's power figures and the
/// welcome-zone map read this).
/// </summary>
/// <param name="Substation">The node.</param>
/// <param name="Source">Model or TSO upload.</param>
/// <param name="FirmMw">Firm headroom: the minimum of the provisional profile (least N-1 of every hour), MW.</param>
/// <param name="MedianN1Mw">Median N-1 headroom over the hours, MW.</param>
/// <param name="CurtailableExtraMw">Least N-0 headroom minus the firm headroom (≥ 0), MW: what ③ adds with curtailment on contingencies.</param>
/// <param name="HoursWithRoom">Hours whose N-1 headroom covers the size (dynamic operation).</param>
/// <param name="Hours">Hours with data.</param>
/// <param name="LimitingLine">The line that limits most often over the hours (null when none does).</param>
/// <param name="Zone">The class for the size.</param>
public sealed record NodeOffer(Substation Substation, HeadroomSource Source, double FirmMw, double MedianN1Mw, double CurtailableExtraMw,
    int HoursWithRoom, int Hours, string? LimitingLine, WelcomeZone Zone)
{
    /// <summary>Builds the offer of a node from its hours.</summary>
    /// <param name="substation">The node.</param>
    /// <param name="source">Where its values come from.</param>
    /// <param name="hours">Its hours (may be empty: zone <see cref="WelcomeZone.Missing"/>).</param>
    /// <param name="sizeMw">The connection size, MW.</param>
    public static NodeOffer Of(Substation substation, HeadroomSource source, IReadOnlyList<HeadroomHour> hours, double sizeMw)
    {
        ArgumentNullException.ThrowIfNull(substation);
        ArgumentNullException.ThrowIfNull(hours);
        var secure = hours.Select(h => h.SecureMw).Where(v => !double.IsNaN(v)).Order().ToArray();
        var n0 = hours.Select(h => h.N0Mw).Where(v => !double.IsNaN(v)).ToArray();
        if (secure.Length == 0 || n0.Length == 0)
        {
            return new NodeOffer(substation, source, double.NaN, double.NaN, double.NaN, 0, 0, null, WelcomeZone.Missing);
        }

        var firm = ProvisionalProfile.Of(hours).FirmMw;
        var n = secure.Length;
        var median = n % 2 == 1 ? secure[n / 2] : 0.5 * (secure[(n / 2) - 1] + secure[n / 2]);
        var minN0 = n0.Min();
        var room = secure.Count(v => v >= sizeMw);
        var line = hours.Where(h => h.LimitingLine is not null).GroupBy(h => h.LimitingLine!)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).FirstOrDefault();
        return new NodeOffer(substation, source, firm, median, Math.Max(0, minN0 - firm), room, n, line,
            WelcomeZoneRule.Classify(firm, median, minN0, sizeMw));
    }
}
