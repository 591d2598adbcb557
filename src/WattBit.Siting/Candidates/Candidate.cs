using WattBit.Areas;
using WattBit.Sites;

namespace WattBit.Siting.Candidates;

/// <summary>Where a candidate comes from.</summary>
public enum CandidateKind
{
    /// <summary>A whole prefecture, located at its capital.</summary>
    Prefecture,

    /// <summary>A substation of 275 kV or more.</summary>
    Substation,

    /// <summary>A user point or polygon (located at its centroid).</summary>
    UserSite,
}

/// <summary>A candidate site for a DC cluster or a small DC. Immutable and thread-safe.</summary>
/// <param name="Id">Unique identifier (JIS code for prefectures; name or index for substations and user sites).</param>
/// <param name="Name">Display name (Japanese where the source has it).</param>
/// <param name="Kind">Prefecture, substation or user site.</param>
/// <param name="Location">Representative point (capital, substation, centroid).</param>
/// <param name="Prefecture">The prefecture the candidate lies in.</param>
/// <param name="Area">The TSO area serving it.</param>
/// <param name="VoltageKv">Substation voltage in kV; null for other kinds.</param>
public sealed record Candidate(
    string Id,
    string Name,
    CandidateKind Kind,
    GeoPoint Location,
    Prefecture Prefecture,
    GridArea Area,
    double? VoltageKv = null)
{
    /// <summary>Formats as "Id Name".</summary>
    public override string ToString() => Id == Name ? Id : $"{Id} {Name}";
}
