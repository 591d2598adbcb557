using WattBit.Grid.Network;

namespace WattBit.Grid.TimeSeries;

/// <summary>
/// A deterministic synthetic year for benchmarks and examples (not data): demand follows a Japanese-style shape —
/// a summer and a winter peak, a daily double hump, lower weekends — and solar follows a clear-sky bell around local
/// noon scaled by season and a deterministic cloud factor. Same inputs, same output, on every machine.
/// </summary>
public static class SyntheticProfile
{
    /// <summary>Creates <paramref name="steps"/> steps of <paramref name="step"/> from <paramref name="start"/>.</summary>
    /// <param name="start">First timestamp (its offset is the local time used for the daily shapes).</param>
    /// <param name="steps">Number of steps (8,760 for an hourly year).</param>
    /// <param name="step">Step length; default one hour.</param>
    /// <param name="seed">Seed of the cloud and noise sequence.</param>
    /// <exception cref="ArgumentOutOfRangeException">Non-positive steps or step.</exception>
    public static GridProfile Create(DateTimeOffset start, int steps, TimeSpan? step = null, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var dt = step ?? TimeSpan.FromHours(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(dt, TimeSpan.Zero);
        var rng = new Random(seed);
        var times = new DateTimeOffset[steps];
        var demand = new double[steps];
        var solar = new double[steps];
        var cloud = 1.0;
        for (var i = 0; i < steps; i++)
        {
            var t = start + (dt * i);
            times[i] = t;
            var hour = t.Hour + (t.Minute / 60.0);
            var day = t.DayOfYear;
            // Seasonal: peaks in early August and mid January, trough in spring and autumn.
            var season = (0.10 * Math.Cos(2 * Math.PI * (day - 220) / 365.0)) + (0.06 * Math.Cos(4 * Math.PI * (day - 15) / 365.0));
            var daily = (0.12 * Math.Exp(-Math.Pow((hour - 11) / 3.5, 2))) + (0.10 * Math.Exp(-Math.Pow((hour - 18.5) / 2.5, 2))) - (0.08 * Math.Exp(-Math.Pow((hour - 4) / 2.5, 2)));
            var weekend = t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? -0.07 : 0;
            demand[i] = 0.72 + season + daily + weekend + (0.015 * (rng.NextDouble() - 0.5));
            if (t.Hour == 0 && t.Minute == 0 || i == 0)
            {
                cloud = 0.35 + (0.65 * rng.NextDouble());
            }

            var daylight = 6.5 - (1.5 * Math.Cos(2 * Math.PI * (day - 172) / 365.0)); // half day length, hours
            var x = (hour + (dt.TotalHours / 2) - 12) / daylight;
            solar[i] = Math.Abs(x) >= 1 ? 0 : cloud * (0.85 + (0.1 * Math.Cos(2 * Math.PI * (day - 172) / 365.0))) * Math.Pow(Math.Cos(Math.PI / 2 * x), 2);
        }

        return new GridProfile(times, demand, solar);
    }

    /// <summary>
    /// Synthetic PV siting: every fifth bus with load (in file order) gets PV of <paramref name="shareOfLoad"/> times
    /// its Pd, MW. Returns capacity per bus index.
    /// </summary>
    public static double[] SolarAtLoadBuses(PowerNetwork network, double shareOfLoad = 0.5)
    {
        ArgumentNullException.ThrowIfNull(network);
        var cap = new double[network.Buses.Length];
        var k = 0;
        for (var i = 0; i < cap.Length; i++)
        {
            if (network.Buses[i].Pd > 0 && k++ % 5 == 0)
            {
                cap[i] = shareOfLoad * network.Buses[i].Pd;
            }
        }

        return cap;
    }
}
