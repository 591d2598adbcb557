namespace WattBit.Planning.Market;

/// <summary>
/// The tags an offer may carry and a bid may require (formats.md section 7, decision 0133). A tag outside this list is
/// bad input, so that a typo is an error rather than a bid that silently never matches.
/// </summary>
public static class MarketTags
{
    /// <summary>Every known tag, in order.</summary>
    public static IReadOnlySet<string> Known { get; } = new SortedSet<string>(StringComparer.Ordinal)
    {
        "gpu", "cpu", "hpc", "storage", "confidential", "jp-only", "apn", "low-latency", "liquid-cooling", "renewable",
    };
}
