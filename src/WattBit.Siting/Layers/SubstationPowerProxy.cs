using WattBit.Siting.Candidates;
using WattBit.Sites;

namespace WattBit.Siting.Layers;

/// <summary>
/// The coarse default for the power layers when no headroom table is given: each substation of 275 kV or more counts
/// for a nominal connectable capacity (now) by voltage class, and the potential adds the N-1 reserve (空き容量③) as a
/// share of it — after the council's example of a 200 MW bank run at 100 MW whose other 100 MW is usable with a
/// curtailment device. A prefecture candidate counts the substations inside it; any other candidate the substations
/// within <see cref="RadiusKm"/>. These nominal figures are placeholders for the grid engine's headroom or a TSO's
/// welcome-zone map: replace them with a table. Immutable and thread-safe.
/// </summary>
/// <param name="Substations">The substations (kind <see cref="CandidateKind.Substation"/>, with voltage).</param>
/// <param name="NowMwPer275Kv">Nominal connectable MW now at a 275 kV substation (default 30).</param>
/// <param name="NowMwPer500Kv">Nominal connectable MW now at a 500 kV-or-more substation (default 100).</param>
/// <param name="N1Share">Extra potential from the N-1 reserve as a share of "now" (default 1.0: the other half of the bank).</param>
/// <param name="RadiusKm">Radius around a point candidate, km (default 30).</param>
public sealed record SubstationPowerProxy(
    IReadOnlyList<Candidate> Substations,
    double NowMwPer275Kv = 30,
    double NowMwPer500Kv = 100,
    double N1Share = 1.0,
    double RadiusKm = 30)
{
    /// <summary>Nominal connectable MW now for a candidate and the number of substations counted.</summary>
    public (double Mw, int Substations) NowMw(Candidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        double mw = 0;
        var count = 0;
        foreach (var s in Substations)
        {
            var counts = candidate.Kind == CandidateKind.Prefecture
                ? s.Prefecture.Code == candidate.Prefecture.Code
                : s.Location.DistanceKm(candidate.Location) <= RadiusKm;
            if (counts)
            {
                mw += (s.VoltageKv ?? 275) >= 500 ? NowMwPer500Kv : NowMwPer275Kv;
                count++;
            }
        }

        return (mw, count);
    }

    /// <summary>Nominal potential MW (now plus the N-1 reserve share) for a candidate.</summary>
    public double PotentialMw(Candidate candidate) => NowMw(candidate).Mw * (1 + N1Share);

    /// <summary>The nearest substation to a point and its distance in km, or null when there are none.</summary>
    public (Candidate Substation, double Km)? Nearest(GeoPoint point) => Geo.Nearest.Find(Substations, s => s.Location, point);
}
