using System.Globalization;
using WattBit.Signals;
using WattBit.Testing;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Planning.Tests.Shifting;

/// <summary>Signals and jobs for the shifting tests: small random cases and the real carbon series in ../shared/data/carbon.</summary>
internal static class ShiftTestData
{
    public static readonly DateTimeOffset T0 = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    public static SignalSet Signal(TimeSpan step, params (string Location, double[] Values)[] series) =>
        new(SignalKind.Carbon, series.Select(s =>
            new KeyValuePair<string, TimeSeries>(s.Location, new TimeSeries(T0, step, s.Values, SeriesUnit.GramsPerKilowattHour, s.Location))));

    public static BatchJob Job(string id, double releaseMin, double deadlineMin, double durationMin, double kw, bool interruptible, params string[] locations) =>
        new(id, T0.AddMinutes(releaseMin), T0.AddMinutes(deadlineMin), TimeSpan.FromMinutes(durationMin), Power.FromKilowatts(kw), interruptible, locations);

    /// <summary>The Let's-Wait-Awhile carbon series (Time,Carbon Intensity; UTC; gCO2/kWh) as a series.</summary>
    public static TimeSeries ReadLetsWaitAwhile(string file)
    {
        var lines = File.ReadAllLines(SharedData.Path("carbon", file));
        var times = new List<DateTimeOffset>(lines.Length);
        var values = new List<double>(lines.Length);
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split(',');
            times.Add(new DateTimeOffset(DateTime.ParseExact(parts[0], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), TimeSpan.Zero));
            values.Add(double.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        var step = times[1] - times[0];
        for (var i = 1; i < times.Count; i++)
        {
            if (times[i] - times[i - 1] != step)
            {
                throw new InvalidDataException($"{file}: irregular step at row {i + 1}.");
            }
        }

        return new TimeSeries(times[0], step, values.ToArray(), SeriesUnit.GramsPerKilowattHour, file);
    }

    /// <summary>Score of a set of runs by direct minute-by-minute summation (independent of the code under test).</summary>
    public static double ScoreByMinutes(TimeSeries series, IEnumerable<TimeWindow> runs, double kw)
    {
        double total = 0;
        foreach (var run in runs)
        {
            for (var t = run.Start; t < run.End; t = t.AddMinutes(1))
            {
                var index = (int)((t - series.Start).Ticks / series.Step.Ticks);
                total += series[index] * kw / 60.0;
            }
        }

        return total;
    }
}
