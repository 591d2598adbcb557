using System.Globalization;

namespace WattBit.Sites;

/// <summary>A point on the earth in WGS84 degrees. Immutable and thread-safe.</summary>
public readonly record struct GeoPoint
{
    private const double EarthRadiusKm = 6371.0088;

    /// <summary>Creates a point.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Latitude outside [-90, 90] or longitude outside [-180, 180].</exception>
    public GeoPoint(double latitude, double longitude)
    {
        if (!double.IsFinite(latitude) || latitude is < -90 or > 90)
        {
            throw new ArgumentOutOfRangeException(nameof(latitude), latitude, "Latitude must be within [-90, 90] degrees.");
        }

        if (!double.IsFinite(longitude) || longitude is < -180 or > 180)
        {
            throw new ArgumentOutOfRangeException(nameof(longitude), longitude, "Longitude must be within [-180, 180] degrees.");
        }

        Latitude = latitude;
        Longitude = longitude;
    }

    /// <summary>Latitude in degrees north.</summary>
    public double Latitude { get; }

    /// <summary>Longitude in degrees east.</summary>
    public double Longitude { get; }

    /// <summary>Great-circle (haversine) distance to another point, in kilometres.</summary>
    public double DistanceKm(GeoPoint other)
    {
        static double Rad(double d) => d * Math.PI / 180.0;
        var dLat = Rad(other.Latitude - Latitude);
        var dLon = Rad(other.Longitude - Longitude);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) +
                (Math.Cos(Rad(Latitude)) * Math.Cos(Rad(other.Latitude)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>Formats as "35.6812, 139.7671".</summary>
    public override string ToString() =>
        Latitude.ToString("0.####", CultureInfo.InvariantCulture) + ", " + Longitude.ToString("0.####", CultureInfo.InvariantCulture);
}
