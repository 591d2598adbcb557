using WattBit.Planning.Shifting;
using WattBit.Signals;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;
using static WattBit.Planning.Tests.Shifting.ShiftTestData;

namespace WattBit.Planning.Tests.Shifting;

public sealed class CapacityShiftTests
{
    private static ShiftResult Shift(SignalSet signal, IReadOnlyDictionary<string, Power> capacity, params BatchJob[] jobs) =>
        Shifter.Shift(new ShiftRequest(jobs, signal, ShiftObjective.Carbon) { Capacity = capacity });

    private static Dictionary<string, Power> Cap(params (string Location, double Kw)[] caps) =>
        caps.ToDictionary(c => c.Location, c => Power.FromKilowatts(c.Kw));

    [Fact]
    public void Capacity_NotBinding_KeepsTheIndependentOptimum()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [500, 100, 500]));
        var result = Shift(signal, Cap(("TK", 1000)), Job("a", 0, 180, 60, 100, false), Job("b", 0, 180, 60, 100, false));
        Assert.All(result.Placements, p => Assert.Equal(T0.AddHours(1), p.Runs[0].Start));
        Assert.Equal(OptimalityStatus.ProvenOptimal, result.Status);
        Assert.Contains("not binding", result.Method, StringComparison.Ordinal);
    }

    [Fact]
    public void Capacity_Binding_SpreadsJobsOptimally()
    {
        // Both want 01:00-02:00 (100 g/kWh); the limit is 150 kW on the hourly average. By hand: the two starts must
        // satisfy 100·(2 − s_a) + 100·(2 − s_b) ≤ 150 in hour 1, so s_a + s_b ≥ 2.5 h and the total is
        // 100·(100·1.5 + 200·0.5) = 25,000 g — e.g. a at 01:00 and b at 01:30 (half in the 200 hour). KY (300) is worse.
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [500, 100, 200]), ("KY", [300, 300, 300]));
        var result = Shift(signal, Cap(("TK", 150)), Job("a", 0, 180, 60, 100, false), Job("b", 0, 180, 60, 100, false));
        Assert.Equal(OptimalityStatus.ProvenOptimal, result.Status);
        Assert.Equal(25_000, result.Shifted.Score, 3);
        Assert.All(result.Placements, p => Assert.Equal("TK", p.Location));
        AssertWithinCapacity(signal, result, [("a", 100), ("b", 100)], "TK", 150);
    }

    [Fact]
    public void Capacity_JobAbovePowerLimitEverywhere_IsListedWithTheReason()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [1, 2, 3]));
        var result = Shift(signal, Cap(("TK", 50)), Job("big", 0, 180, 60, 100, false), Job("small", 0, 180, 60, 10, false));
        var unplaced = Assert.Single(result.Unplaced);
        Assert.Equal("big", unplaced.JobId);
        Assert.Contains("exceeds the capacity of every location", unplaced.Reason, StringComparison.Ordinal);
        Assert.Equal("small", Assert.Single(result.Placements).JobId);
    }

    [Fact]
    public void Capacity_NoRoomLeft_ListsTheJobThatCannotFit()
    {
        // Two 2-hour jobs of 100 kW in the same 2-hour window under a 150 kW limit: only one can run.
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [100, 200]));
        var result = Shift(signal, Cap(("TK", 150)), Job("a", 0, 120, 120, 100, false), Job("b", 0, 120, 120, 100, false));
        Assert.Single(result.Placements);
        var u = Assert.Single(result.Unplaced);
        Assert.Contains("no room left under the capacity", u.Reason, StringComparison.Ordinal);
        Assert.Equal(OptimalityStatus.ProvenOptimal, result.Status);
    }

    [Fact]
    public void Capacity_InterruptibleJobs_ShareTheCheapHours()
    {
        // Limit 100 kW; two interruptible 100 kW jobs of 1 h each in a 3-hour window: 100, 150, 400.
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [100, 150, 400]));
        var result = Shift(signal, Cap(("TK", 100)), Job("a", 0, 180, 60, 100, true), Job("b", 0, 180, 60, 100, true));
        Assert.Equal(100 * (100 + 150), result.Shifted.Score, 4);
        Assert.Equal(OptimalityStatus.ProvenOptimal, result.Status);
        AssertWithinCapacity(signal, result, [.. new[] { "a", "b" }.Select(id => (id, 100.0))], "TK", 100);
    }

    [Fact]
    public void Capacity_RandomSmallInstances_NeverWorseThanExhaustiveSearchAndFeasible()
    {
        var rnd = new Random(7);
        for (var trial = 0; trial < 25; trial++)
        {
            var values = Enumerable.Range(0, 4).Select(_ => (double)rnd.Next(1, 50) * 10).ToArray();
            var signal = Signal(TimeSpan.FromHours(1), ("TK", values));
            var jobs = Enumerable.Range(0, 3).Select(i =>
            {
                var release = rnd.Next(0, 8) * 15;
                var window = rnd.Next(4, 16 - (release / 15) + 1) * 15;
                var duration = rnd.Next(1, (window / 15) + 1) * 15;
                return Job($"j{i}", release, release + window, duration, rnd.Next(1, 4) * 50, false);
            }).ToArray();
            const double limit = 120;
            var result = Shift(signal, Cap(("TK", limit)), jobs);
            var (bruteServed, bruteScore) = Brute(signal["TK"], jobs, limit);
            var served = result.Placements.Sum(p => jobs.Single(j => j.Id == p.JobId).Energy.KilowattHours);
            // The MIP works in continuous time, the brute force on a 15-minute grid: the MIP may only be better.
            Assert.True(served >= bruteServed - 1e-6, $"trial {trial}: served {served} vs brute {bruteServed}; signal {string.Join(' ', values)}; jobs {string.Join("; ", jobs.Select(j => $"{j.Id} {j.Release:HH:mm}-{j.Deadline:HH:mm} {j.Duration.TotalMinutes}min {j.Power.Kilowatts}kW"))}; placed {string.Join("; ", result.Placements.Select(p => $"{p.JobId}@{p.Runs[0].Start:HH:mm}"))}; {string.Join(' ', result.Unplaced.Select(u => u.JobId + ": " + u.Reason))}");
            Assert.True(served > bruteServed + 1e-6 || result.Shifted.Score <= bruteScore + 1e-6,
                $"trial {trial}: score {result.Shifted.Score} worse than the 15-minute brute force {bruteScore}");
            Assert.Equal(OptimalityStatus.ProvenOptimal, result.Status);
            AssertWithinCapacity(signal, result, jobs.Select(j => (j.Id, j.Power.Kilowatts)).ToArray(), "TK", limit);
        }
    }

    /// <summary>
    /// Every combination of 15-minute starts (or not serving a job): most energy served first, then least score. A job
    /// whose own power is above the limit can never run; the limit applies to the step-average of the total.
    /// </summary>
    private static (double Served, double Score) Brute(TimeSeries s, BatchJob[] jobs, double limit)
    {
        var options = jobs.Select(j =>
        {
            var list = new List<DateTimeOffset?> { null };
            for (var t = j.Release; j.Power.Kilowatts <= limit && t + j.Duration <= j.Deadline; t = t.AddMinutes(15))
            {
                list.Add(t);
            }

            return list;
        }).ToArray();
        (double Served, double Score) best = (-1, double.PositiveInfinity);
        void Recurse(int k, DateTimeOffset?[] chosen)
        {
            if (k == jobs.Length)
            {
                var load = new double[s.Count];
                double served = 0, score = 0;
                for (var i = 0; i < jobs.Length; i++)
                {
                    if (chosen[i] is not { } start)
                    {
                        continue;
                    }

                    var w = TimeWindow.FromDuration(start, jobs[i].Duration);
                    served += jobs[i].Energy.KilowattHours;
                    score += s.Integral(w) * jobs[i].Power.Kilowatts;
                    for (var step = 0; step < s.Count; step++)
                    {
                        if (s.StepWindow(step).Intersect(w) is { } o)
                        {
                            load[step] += jobs[i].Power.Kilowatts * o.Duration / s.Step;
                        }
                    }
                }

                if (load.All(l => l <= limit + 1e-9) &&
                    (served > best.Served + 1e-9 || (Math.Abs(served - best.Served) <= 1e-9 && score < best.Score - 1e-9)))
                {
                    best = (served, score);
                }

                return;
            }

            foreach (var o in options[k])
            {
                chosen[k] = o;
                Recurse(k + 1, chosen);
            }
        }

        Recurse(0, new DateTimeOffset?[jobs.Length]);
        return best;
    }

    private static void AssertWithinCapacity(SignalSet signal, ShiftResult result, (string Id, double Kw)[] power, string location, double limit)
    {
        var s = signal[location];
        var load = new double[s.Count];
        foreach (var p in result.Placements.Where(p => p.Location == location))
        {
            var kw = power.Single(x => x.Id == p.JobId).Kw;
            foreach (var run in p.Runs)
            {
                for (var step = 0; step < s.Count; step++)
                {
                    if (s.StepWindow(step).Intersect(run) is { } o)
                    {
                        load[step] += kw * o.Duration / s.Step;
                    }
                }
            }
        }

        Assert.All(load, l => Assert.True(l <= limit + 1e-6, $"step load {l} kW above {limit} kW"));
    }
}
