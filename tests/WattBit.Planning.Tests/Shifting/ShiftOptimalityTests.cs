using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WattBit.Planning.Shifting;
using WattBit.Signals;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;
using static WattBit.Planning.Tests.Shifting.ShiftTestData;

namespace WattBit.Planning.Tests.Shifting;

/// <summary>The shift against brute force on small cases, and properties on the real carbon series.</summary>
public sealed class ShiftOptimalityTests
{
    /// <summary>Brute force: every start on a 5-minute grid (all breakpoints of these cases lie on it).</summary>
    private static double BruteContiguous(TimeSeries s, BatchJob job)
    {
        var best = double.PositiveInfinity;
        for (var start = job.Release; start + job.Duration <= job.Deadline; start = start.AddMinutes(5))
        {
            best = Math.Min(best, ScoreByMinutes(s, [TimeWindow.FromDuration(start, job.Duration)], job.Power.Kilowatts));
        }

        return best;
    }

    /// <summary>Brute force: every subset of 15-minute slots of the window with the right total (windows of at most 16 slots).</summary>
    private static double BruteInterruptible(TimeSeries s, BatchJob job)
    {
        var slots = (int)((job.Deadline - job.Release).TotalMinutes / 15);
        var need = (int)(job.Duration.TotalMinutes / 15);
        var best = double.PositiveInfinity;
        for (var mask = 0; mask < 1 << slots; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != need)
            {
                continue;
            }

            var runs = Enumerable.Range(0, slots).Where(i => (mask & (1 << i)) != 0)
                .Select(i => TimeWindow.FromDuration(job.Release.AddMinutes(15 * i), TimeSpan.FromMinutes(15)));
            best = Math.Min(best, ScoreByMinutes(s, runs, job.Power.Kilowatts));
        }

        return best;
    }

    private static Gen<(double[][] Values, int Release, int Window, int Duration, bool Interruptible)> SmallCase() =>
        from steps in Gen.Choose(3, 5)
        from a in Gen.ArrayOf(Gen.Choose(0, 60).Select(v => v * 10.0), steps)
        from b in Gen.ArrayOf(Gen.Choose(0, 60).Select(v => v * 10.0), steps)
        from interruptible in Gen.Elements(true, false)
        from window in Gen.Choose(1, Math.Min(16, steps * 4))
        from release in Gen.Choose(0, (steps * 4) - window)
        from duration in Gen.Choose(1, window)
        select (new[] { a, b }, release * 15, window * 15, duration * 15, interruptible);

    [Property(MaxTest = 150)]
    public Property Shift_SmallCases_EqualsBruteForce()
    {
        return Prop.ForAll(SmallCase().ToArbitrary(), c =>
        {
            var signal = Signal(TimeSpan.FromHours(1), ("A", c.Values[0]), ("B", c.Values[1]));
            var job = Job("j", c.Release, c.Release + c.Window, c.Duration, 7, c.Interruptible);
            var result = Shifter.Shift(new ShiftRequest([job], signal, ShiftObjective.Carbon));
            var brute = Math.Min(
                c.Interruptible ? BruteInterruptible(signal["A"], job) : BruteContiguous(signal["A"], job),
                c.Interruptible ? BruteInterruptible(signal["B"], job) : BruteContiguous(signal["B"], job));
            var placement = result.Placements[0];
            var recomputed = ScoreByMinutes(signal[placement.Location], placement.Runs, 7);
            return (Math.Abs(result.Shifted.Score - brute) < 1e-6 && Math.Abs(recomputed - result.Shifted.Score) < 1e-6)
                .Label($"shift {result.Shifted.Score}, recomputed {recomputed}, brute force {brute}");
        });
    }

    [Fact]
    public void Shift_RealFrenchCarbonYear_HoldsEveryPropertyAndMatchesBruteForce()
    {
        var series = ReadLetsWaitAwhile("fr_ci.csv");
        var signal = new SignalSet(SignalKind.Carbon, [new("FR", series), new("FR-shifted", Shifted(series))]);
        var rnd = new Random(42);
        var jobs = new List<BatchJob>();
        for (var i = 0; i < 3000; i++)
        {
            var windowMin = rnd.Next(2, 96) * 30 + rnd.Next(0, 30);
            var release = series.Start.AddMinutes(rnd.Next(0, (int)(series.Window.Duration.TotalMinutes - windowMin)));
            var duration = rnd.Next(1, windowMin);
            jobs.Add(new BatchJob($"j{i}", release, release.AddMinutes(windowMin), TimeSpan.FromMinutes(duration),
                Power.FromKilowatts(rnd.Next(1, 500)), rnd.Next(2) == 0, rnd.Next(3) == 0 ? ["FR"] : []));
        }

        var result = Shifter.Shift(new ShiftRequest(jobs, signal, ShiftObjective.Carbon));
        Assert.Equal(jobs.Count, result.Placements.Count);
        Assert.Empty(result.Unplaced);
        Assert.True(result.Shifted.Score <= result.Baseline.Score);
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var p = result.Placements[i];
            Assert.Equal(job.Id, p.JobId);
            Assert.True(p.Runs[0].Start >= job.Release, $"{job.Id} starts before its release");
            Assert.True(p.Runs[^1].End <= job.Deadline, $"{job.Id} ends after its deadline");
            Assert.Equal(job.Duration, TimeSpan.FromTicks(p.Runs.Sum(r => r.Duration.Ticks)));
            Assert.True(job.Interruptible || p.Runs.Count == 1, $"{job.Id} is not interruptible but was split");
            Assert.True(job.Locations.Count == 0 || job.Locations.Contains(p.Location));
            for (var r = 1; r < p.Runs.Count; r++)
            {
                Assert.True(p.Runs[r].Start > p.Runs[r - 1].End, $"{job.Id}: runs overlap or touch");
            }

            // Never worse than running at release at the same location.
            var atRelease = signal[p.Location].Integral(TimeWindow.FromDuration(job.Release, job.Duration)) * job.Power.Kilowatts;
            Assert.True(p.Score <= atRelease + 1e-6, $"{job.Id}: {p.Score} worse than at release {atRelease}");
        }

        // True optimum on a sample of non-interruptible jobs: a brute force over every minute of the window.
        foreach (var i in Enumerable.Range(0, jobs.Count).Where(i => !jobs[i].Interruptible).Take(40))
        {
            var job = jobs[i];
            var best = double.PositiveInfinity;
            foreach (var location in job.Locations.Count == 0 ? signal.Locations : job.Locations)
            {
                var s = signal[location];
                for (var start = job.Release; start + job.Duration <= job.Deadline; start = start.AddMinutes(1))
                {
                    best = Math.Min(best, s.Integral(TimeWindow.FromDuration(start, job.Duration)) * job.Power.Kilowatts);
                }
            }

            Assert.True(Math.Abs(result.Placements[i].Score - best) <= 1e-6 * Math.Max(1, best), $"{job.Id}: {result.Placements[i].Score} vs brute {best}");
        }
    }

    [Fact]
    public void RealBritishSeries_WithMixedSteps_IsRejectedAtTheLine()
    {
        var lines = File.ReadAllLines(WattBit.Testing.SharedData.Path("carbon", "gb_ci.csv"));
        var text = "timestamp,location,value\n" + string.Join('\n', lines.Skip(1).Select(l =>
        {
            var p = l.Split(',');
            return $"{p[0].Replace(' ', 'T')}+00:00,GB,{p[1]}";
        }));
        var ex = Assert.Throws<WattBit.Formats.InputFormatException>(() => WattBit.Formats.SignalCsv.Parse(text, "gb.csv", SignalKind.Carbon));
        Assert.Contains("mixed steps", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Line > 2);
    }

    private static TimeSeries Shifted(TimeSeries s)
    {
        // A second location: the same curve six hours later (wrapping), so location choice matters.
        var v = s.Values.ToArray();
        var shifted = new double[v.Length];
        for (var i = 0; i < v.Length; i++)
        {
            shifted[i] = v[(i + 12) % v.Length];
        }

        return new TimeSeries(s.Start, s.Step, shifted, s.Unit, "FR-shifted");
    }
}
