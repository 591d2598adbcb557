namespace WattBit.Headroom;

/// <summary>Where a substation's headroom comes from.</summary>
public enum HeadroomSource
{
    /// <summary>Computed by the grid engine on an electrical model (the Japan backbone or a user's case).</summary>
    Model,

    /// <summary>Published by the grid operator (TSO upload); overrides the model for that node.</summary>
    TsoUpload,
}

/// <summary>What a headroom layer is built from, for labels on every face.</summary>
/// <param name="Model">The model's name (for example "japan-backbone" or the case file name).</param>
/// <param name="Synthetic">Whether the model is synthetic (built from public data, not a TSO's own model).</param>
/// <param name="Profile">What drives the hours (for example "reference year 2024, national demand").</param>
/// <param name="First">Start of the first hour with data.</param>
/// <param name="Hours">Number of hours held.</param>
public sealed record HeadroomLayerInfo(string Model, bool Synthetic, string Profile, DateTimeOffset First, int Hours)
{
    /// <summary>End of the last hour with data.</summary>
    public DateTimeOffset End => First.AddHours(Hours);
}
