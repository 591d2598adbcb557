namespace WattBit.Areas;

/// <summary>
/// An inter-area tie (連系線) as an engine that moves load between areas sees it: the two areas it joins and the power
/// it can carry, the same in both directions. Hosts compose the ties from a grid model (the Japan backbone's OCCTO ties)
/// so engines need not reference the grid engine. Immutable and thread-safe.
/// </summary>
public sealed record AreaTie
{
    /// <summary>Creates a tie.</summary>
    /// <param name="name">OCCTO's tie name (for example 周波数変換設備).</param>
    /// <param name="from">The area at OCCTO's positive-direction end.</param>
    /// <param name="to">The other area.</param>
    /// <param name="capacityMw">What the tie can carry in either direction, MW (&gt; 0).</param>
    /// <exception cref="ArgumentException">An empty name, the same area at both ends, or a capacity that is not positive and finite.</exception>
    public AreaTie(string name, GridArea from, GridArea to, double capacityMw)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Code == to.Code)
        {
            throw new ArgumentException($"tie '{name}' joins {from.Code} to itself.", nameof(to));
        }

        if (!double.IsFinite(capacityMw) || capacityMw <= 0)
        {
            throw new ArgumentException($"tie '{name}': capacity must be a positive number of MW (got {capacityMw}).", nameof(capacityMw));
        }

        (Name, From, To, CapacityMw) = (name, from, to, capacityMw);
    }

    /// <summary>OCCTO's tie name.</summary>
    public string Name { get; }

    /// <summary>The area at the positive-direction end.</summary>
    public GridArea From { get; }

    /// <summary>The other area.</summary>
    public GridArea To { get; }

    /// <summary>What the tie can carry in either direction, MW.</summary>
    public double CapacityMw { get; }

    /// <summary>Formats as "周波数変換設備 TK–CB 2,100 MW".</summary>
    public override string ToString() => FormattableString.Invariant($"{Name} {From.Code}–{To.Code} {CapacityMw:N0} MW");
}
