namespace WattBit.Server.Market;

/// <summary>Settings of the processing market (section <c>WattBit:Market</c>).</summary>
internal sealed class MarketOptions
{
    /// <summary>
    /// Where each area-hour's limit on the market's extra draw comes from: <c>layer</c> (default) — the server's headroom
    /// layer, the sum of the secure (N-1) headroom of the area's substations in the hour, less what earlier clearings
    /// already matched there; an area-hour the layer has no data for is not limited. <c>none</c>: no limit.
    /// </summary>
    public string Headroom { get; set; } = "layer";

    /// <summary>JST time of day at which the day-ahead clearing for the next day runs by itself (for example <c>10:00</c>); null: only when a market operator runs it.</summary>
    public TimeOnly? DayAheadAtJst { get; set; }

    /// <summary>Whether an intraday clearing (from the next hour to the end of its JST day) runs by itself at every whole hour.</summary>
    public bool Intraday { get; set; }

    /// <summary>The most time one clearing's integer solve may take; default 30 seconds (the result then carries its proven gap).</summary>
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(30);
}
