namespace WattBit.Sites;

/// <summary>The identifier of a data-centre site (also a location name in signal files). Immutable and thread-safe.</summary>
public readonly record struct SiteId
{
    /// <summary>Creates an identifier.</summary>
    /// <exception cref="ArgumentException">The value is empty, has surrounding white space, or contains ';' or ','.</exception>
    public SiteId(string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim() != value || value.AsSpan().IndexOfAny(";,") >= 0)
        {
            throw new ArgumentException($"A site id must be non-empty, without surrounding spaces, ';' or ',': '{value}'.", nameof(value));
        }

        Value = value;
    }

    /// <summary>The identifier text.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override string ToString() => Value;
}
