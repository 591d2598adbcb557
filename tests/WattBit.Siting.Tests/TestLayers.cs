using WattBit.Headroom;
using WattBit.Siting.Candidates;
using WattBit.Sites;
using WattBit.Testing;
using WattBit.Time;

namespace WattBit.Siting.Tests;

/// <summary>Hand-made headroom layers (Core's <see cref="HeadroomTable"/>) standing in for the grid engine's.</summary>
internal static class TestLayers
{
    public static readonly DateTimeOffset First = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    private static readonly Lazy<HeadroomTable> s_osm = new(() =>
    {
        // Every >= 275 kV substation of ../shared/data's OSM list, 24 hours: 500 kV N-1 300 MW, else 100 MW; N-0 200 MW more.
        var subs = CandidateSources.Substations(SharedData.Path("japan", "geo", "subs_275kv.geojson"), TestMaps.Locator);
        return Layer(subs.Select((s, i) =>
        {
            var firm = s.VoltageKv >= 500 ? 300.0 : 100.0;
            return (new Substation($"osm-{i}", s.Name, s.Area, s.VoltageKv ?? double.NaN, s.Location),
                Enumerable.Range(0, 24).Select(h => Hour(h, firm + 200 + h, firm + h, "osm line")).ToArray());
        }));
    });

    /// <summary>The OSM substations with a uniform, hand-set headroom (for the sample studies).</summary>
    public static HeadroomTable Osm => s_osm.Value;

    public static HeadroomHour Hour(int h, double n0, double n1, string? line) => new(First.AddHours(h), n0, n1, line, line is null ? null : "base");

    public static HeadroomTable Layer(IEnumerable<(Substation Substation, HeadroomHour[] Hours)> substations) =>
        new(new HeadroomLayerInfo("test-layer", true, "hand-made", First, 24), substations.Select(s => (s.Substation, HeadroomSource.Model, (IEnumerable<HeadroomHour>)s.Hours)));

    public static Substation At(string id, double lat, double lon) => new(id, id, null, 275, new GeoPoint(lat, lon));
}
