using System.Globalization;
using BenchmarkDotNet.Attributes;
using WattBit.Planning.Shifting;
using WattBit.Signals;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Bench.Shifting;

/// <summary>
/// <c>wattbit shift</c> on the real French carbon series (../shared/data/carbon/fr_ci.csv, 30-min, one year) for three
/// locations, against a straightforward method measured in the same run: every start on the signal's grid, each
/// evaluated by summing the window step by step (the baseline a first implementation writes).
/// Run: <c>dotnet run -c Release --project bench/WattBit.Bench -- --filter '*ShiftBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 1, iterationCount: 5)]
public class ShiftBenchmarks
{
    private ShiftRequest _request = null!;

    /// <summary>Problem size: "week-1k" (hourly week, 1,000 jobs) or "year-10k" (30-min year, 10,000 jobs).</summary>
    [Params("week-1k", "year-10k")]
    public string Size { get; set; } = "year-10k";

    [GlobalSetup]
    public void Setup()
    {
        var year = ReadFrench();
        var (signalSeries, jobs, maxWindowHours) = Size == "week-1k"
            ? (year.Slice(TimeWindow.FromDuration(year.Start, TimeSpan.FromDays(7))).Resample(TimeSpan.FromHours(1)), 1_000, 48)
            : (year.Slice(TimeWindow.FromDuration(year.Start, TimeSpan.FromDays(365))), 10_000, 48);
        _request = new ShiftRequest(Jobs(signalSeries, jobs, maxWindowHours), Signal(signalSeries), ShiftObjective.Carbon);
    }

    [Benchmark(Baseline = true)]
    public double Straightforward() => StraightforwardShift(_request);

    [Benchmark]
    public double Exact() => Shifter.Shift(_request).Shifted.Score;

    /// <summary>Every grid start, every window summed step by step; interruptible jobs by sorting the window's steps.</summary>
    internal static double StraightforwardShift(ShiftRequest request)
    {
        double total = 0;
        foreach (var job in request.Jobs)
        {
            var best = double.PositiveInfinity;
            foreach (var location in job.Locations.Count == 0 ? request.Signal.Locations : job.Locations)
            {
                var s = request.Signal[location];
                if (!job.Interruptible)
                {
                    for (var start = job.Release; start + job.Duration <= job.Deadline; start += s.Step)
                    {
                        best = Math.Min(best, s.Integral(TimeWindow.FromDuration(start, job.Duration)) * job.Power.Kilowatts);
                    }
                }
                else
                {
                    var first = s.IndexOf(job.Release);
                    var steps = (int)((job.Deadline - job.Release) / s.Step);
                    var values = s.Values.Slice(first, steps).ToArray();
                    Array.Sort(values);
                    var need = (int)Math.Ceiling(job.Duration / s.Step);
                    best = Math.Min(best, values.Take(need).Sum() * s.Step.TotalHours * job.Power.Kilowatts);
                }
            }

            total += best;
        }

        return total;
    }

    internal static TimeSeries ReadFrench()
    {
        var lines = File.ReadAllLines(BenchData.Path("carbon", "fr_ci.csv"));
        var values = lines.Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var start = new DateTimeOffset(DateTime.ParseExact(lines[1].Split(',')[0], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), TimeSpan.Zero);
        return new TimeSeries(start, TimeSpan.FromMinutes(30), values, SeriesUnit.GramsPerKilowattHour, "FR");
    }

    internal static SignalSet Signal(TimeSeries fr)
    {
        // Three locations from one real curve: as is, six hours later and twelve hours later (wrapping).
        TimeSeries Shift(int steps, string name)
        {
            var v = fr.Values.ToArray();
            var shifted = new double[v.Length];
            for (var i = 0; i < v.Length; i++)
            {
                shifted[i] = v[(i + steps) % v.Length];
            }

            return new TimeSeries(fr.Start, fr.Step, shifted, fr.Unit, name);
        }

        var per6h = (int)(TimeSpan.FromHours(6) / fr.Step);
        return new SignalSet(SignalKind.Carbon, [new("A", fr.WithName("A")), new("B", Shift(per6h, "B")), new("C", Shift(2 * per6h, "C"))]);
    }

    /// <summary>Jobs on the signal's grid (so the straightforward method is exact too): windows up to <paramref name="maxWindowHours"/>.</summary>
    internal static List<BatchJob> Jobs(TimeSeries s, int count, int maxWindowHours)
    {
        var rnd = new Random(2025);
        var perHour = (int)(TimeSpan.FromHours(1) / s.Step);
        var jobs = new List<BatchJob>(count);
        for (var i = 0; i < count; i++)
        {
            var window = rnd.Next(2, (maxWindowHours * perHour) + 1);
            var release = rnd.Next(0, s.Count - window);
            var duration = rnd.Next(1, window + 1);
            jobs.Add(new BatchJob($"j{i}", s.TimeAt(release), s.TimeAt(release + window), s.Step * duration,
                Power.FromKilowatts(rnd.Next(10, 1000)), rnd.Next(2) == 0, rnd.Next(4) == 0 ? ["A"] : []));
        }

        return jobs;
    }
}
