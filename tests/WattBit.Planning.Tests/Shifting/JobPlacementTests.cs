using WattBit.Planning.Shifting;
using WattBit.Signals;
using WattBit.Time;
using WattBit.Workloads;
using static WattBit.Planning.Tests.Shifting.ShiftTestData;

namespace WattBit.Planning.Tests.Shifting;

public sealed class JobPlacementTests
{
    private static ShiftResult Shift(SignalSet signal, params BatchJob[] jobs) =>
        Shifter.Shift(new ShiftRequest(jobs, signal, ShiftObjective.Carbon));

    [Fact]
    public void Contiguous_MovesToTheCheapestHours()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [500, 400, 100, 100, 450, 500]));
        var result = Shift(signal, Job("a", 0, 360, 120, 10, false));
        var run = Assert.Single(result.Placements[0].Runs);
        Assert.Equal(T0.AddHours(2), run.Start);
        Assert.Equal(2000, result.Shifted.Score, 9); // 10 kW x (100 + 100) g/kWh x 1 h
        Assert.Equal(9000, result.Baseline.Score, 9); // at release: 500 + 400
        Assert.Equal(OptimalityStatus.ProvenOptimal, result.Status);
    }

    [Fact]
    public void Contiguous_PartialStepsAtTheEdges_AreEnergyCorrect()
    {
        // Release 00:20, deadline 03:00, 90 min at 60 kW; hourly 300, 100, 400 gCO2/kWh.
        // start 00:20 → 40 min @300 + 50 min @100 = 283.3 g/kW; start 00:30 (ends on the 02:00 boundary) → 30 @300 + 60 @100
        // = 250 g/kW; start 01:00 → 60 @100 + 30 @400 = 300 g/kW. The optimum starts mid-step, at 00:30.
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [300, 100, 400]));
        var result = Shift(signal, Job("a", 20, 180, 90, 60, false));
        var run = Assert.Single(result.Placements[0].Runs);
        Assert.Equal(T0.AddMinutes(30), run.Start);
        Assert.Equal(60 * 250.0, result.Shifted.Score, 9);
        Assert.Equal(60 * ((300 * 40.0 / 60) + (100 * 50.0 / 60)), result.Baseline.Score, 9);
    }

    [Fact]
    public void Contiguous_EndAlignedCandidate_IsFound()
    {
        // 45-min job, window 00:00-03:00, values 400, 100, 400 → best is 01:00-01:45 or any start in [01:00, 01:15].
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [400, 100, 400]));
        var result = Shift(signal, Job("a", 0, 180, 45, 1, false));
        Assert.Equal(T0.AddHours(1), result.Placements[0].Runs[0].Start);
        Assert.Equal(75, result.Shifted.Score, 9);
    }

    [Fact]
    public void Interruptible_TakesTheCheapestStepsAndSplitsTheLastOne()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [100, 500, 120, 500, 90, 500]));
        var result = Shift(signal, Job("a", 0, 360, 150, 10, true));
        var runs = result.Placements[0].Runs;
        // 90 (04-05), 100 (00-01), and 30 min of 120 (02:00-02:30).
        Assert.Equal(3, runs.Count);
        Assert.Equal(new TimeWindow(T0, T0.AddHours(1)), runs[0]);
        Assert.Equal(new TimeWindow(T0.AddHours(2), T0.AddMinutes(150)), runs[1]);
        Assert.Equal(new TimeWindow(T0.AddHours(4), T0.AddHours(5)), runs[2]);
        Assert.Equal(10 * (90 + 100 + 60), result.Shifted.Score, 9);
    }

    [Fact]
    public void Interruptible_AdjacentPieces_AreMergedIntoOneRun()
    {
        var signal = Signal(TimeSpan.FromMinutes(30), ("TK", [500, 100, 100, 100, 500]));
        var result = Shift(signal, Job("a", 0, 150, 80, 1, true));
        var run = Assert.Single(result.Placements[0].Runs);
        Assert.Equal(TimeSpan.FromMinutes(80), run.Duration);
    }

    [Fact]
    public void Location_ChoosesTheCheapestAllowed()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [400, 400]), ("KY", [100, 100]), ("HKD", [50, 50]));
        var result = Shift(signal, Job("a", 0, 120, 60, 1, false, "TK", "KY"), Job("b", 0, 120, 60, 1, false));
        Assert.Equal("KY", result.Placements[0].Location);
        Assert.Equal("HKD", result.Placements[1].Location);
        // Baseline: first allowed location at release (TK for a, the first signal location TK for b).
        Assert.Equal(800, result.Baseline.Score, 9);
    }

    [Fact]
    public void Ties_GoToTheEarliestStart()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [200, 100, 300, 100]));
        var result = Shift(signal, Job("a", 0, 240, 60, 1, false));
        Assert.Equal(T0.AddHours(1), result.Placements[0].Runs[0].Start);
    }

    [Fact]
    public void UnknownLocation_IsReportedWithTheJobAndField()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [1, 2]));
        var ex = Assert.Throws<JobValidationException>(() => Shift(signal, Job("ok", 0, 60, 30, 1, false), Job("bad", 0, 60, 30, 1, false, "XX")));
        Assert.Equal(1, ex.JobIndex);
        Assert.Equal("locations", ex.Field);
        Assert.Contains("unknown location 'XX'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WindowBeyondTheSignal_IsReported()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [1, 2]));
        var ex = Assert.Throws<JobValidationException>(() => Shift(signal, Job("late", 0, 180, 30, 1, false)));
        Assert.Equal("deadline", ex.Field);
        Assert.Contains("after the signal ends", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSignalValues_InTheWindow_AreReported()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [1, double.NaN, 3]));
        var ex = Assert.Throws<JobValidationException>(() => Shift(signal, Job("a", 0, 180, 30, 1, false)));
        Assert.Contains("missing values", ex.Message, StringComparison.Ordinal);
        // A job whose window avoids the gap is fine.
        Assert.Single(Shift(signal, Job("b", 120, 180, 30, 1, false)).Placements);
    }
}
