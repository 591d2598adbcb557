namespace WattBit.Sites;

/// <summary>
/// A region whose users a data centre serves (for latency), weighted for example by population. Immutable and thread-safe.
/// </summary>
/// <param name="Name">Display name.</param>
/// <param name="Location">A representative point (the main city centre).</param>
/// <param name="Weight">Relative weight, &gt; 0 (the siting tool's default table: metropolitan population in millions); 1 when all regions count alike.</param>
public sealed record UserRegion(string Name, GeoPoint Location, double Weight = 1);
