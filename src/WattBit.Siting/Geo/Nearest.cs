using WattBit.Sites;

namespace WattBit.Siting.Geo;

/// <summary>Nearest-item search by great-circle distance (linear scan: the lists here have tens to hundreds of items).</summary>
internal static class Nearest
{
    /// <summary>The item nearest to <paramref name="point"/> and its distance in km; null when the list is empty.</summary>
    public static (T Item, double Km)? Find<T>(IEnumerable<T> items, Func<T, GeoPoint> location, GeoPoint point)
    {
        (T, double)? best = null;
        foreach (var item in items)
        {
            var d = location(item).DistanceKm(point);
            if (best is null || d < best.Value.Item2)
            {
                best = (item, d);
            }
        }

        return best;
    }
}
