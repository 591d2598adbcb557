namespace WattBit.Siting.Layers;

/// <summary>
/// Free-cooling hours per year from latitude alone (a documented default for the cooling layer; replace it with a
/// layer computed from weather data where you have it). The outdoor dry-bulb temperature of hour h of day d is
/// modelled as T = Tmean(lat) - Aseason(lat) cos(2 pi (d - 25) / 365) - Adaily cos(2 pi (h - 5) / 24), with
/// Tmean = 23.3 - 0.83 (lat - 26.2) degC and Aseason = 5.85 + 0.41 (lat - 26.2) degC fitted to the 1991-2020 JMA
/// normals of Naha (26.2 N), Tokyo (35.7 N) and Sapporo (43.1 N), and Adaily = 4 degC. An hour counts when T is at or
/// below the threshold. Immutable and thread-safe.
/// </summary>
/// <param name="ThresholdCelsius">Outdoor temperature at or below which the DC needs no mechanical cooling (default 18 degC, air-side economiser with ASHRAE A1 supply air).</param>
/// <param name="DailyAmplitudeCelsius">Half the daily temperature swing (default 4 degC).</param>
public sealed record FreeCoolingModel(double ThresholdCelsius = 18, double DailyAmplitudeCelsius = 4)
{
    /// <summary>Modelled annual mean temperature at a latitude, degC.</summary>
    public static double MeanTemperature(double latitude) => 23.3 - (0.83 * (latitude - 26.2));

    /// <summary>Modelled seasonal half-range (August minus January, halved) at a latitude, degC (never below 1).</summary>
    public static double SeasonalAmplitude(double latitude) => Math.Max(1, 5.85 + (0.41 * (latitude - 26.2)));

    /// <summary>Hours per (365-day) year with outdoor temperature at or below the threshold, 0..8760.</summary>
    public double Hours(double latitude)
    {
        var mean = MeanTemperature(latitude);
        var season = SeasonalAmplitude(latitude);
        var count = 0;
        for (var d = 0; d < 365; d++)
        {
            var daily = mean - (season * Math.Cos(2 * Math.PI * (d - 25) / 365.0));
            for (var h = 0; h < 24; h++)
            {
                var t = daily - (DailyAmplitudeCelsius * Math.Cos(2 * Math.PI * (h - 5) / 24.0));
                if (t <= ThresholdCelsius)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
