using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WattBit.Time;

namespace WattBit.Core.Tests;

public sealed class TimeSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    private static TimeSeries Series(TimeSpan step, SeriesUnit unit, params double[] values) => new(T0, step, values, unit, "test");

    [Fact]
    public void Resample_FiveMinuteLevelsToHalfHour_TakesTimeWeightedMeans()
    {
        var s = Series(TimeSpan.FromMinutes(5), SeriesUnit.Kilowatts, 1, 2, 3, 4, 5, 6, 10, 10, 10, 10, 10, 10);
        var r = s.Resample(TimeSpan.FromMinutes(30));
        Assert.Equal([3.5, 10], r.Values.ToArray());
    }

    [Fact]
    public void Resample_HalfHourTotalsToHourly_SumsThem()
    {
        var s = Series(TimeSpan.FromMinutes(30), SeriesUnit.KilowattHours, 1, 2, 3, 4);
        var r = s.Resample(TimeSpan.FromHours(1));
        Assert.Equal([3.0, 7.0], r.Values.ToArray());
    }

    [Fact]
    public void Resample_HourlyTotalsToHalfHour_SplitsThemEvenly()
    {
        var s = Series(TimeSpan.FromHours(1), SeriesUnit.KilowattHours, 10, 4);
        var r = s.Resample(TimeSpan.FromMinutes(30));
        Assert.Equal([5.0, 5.0, 2.0, 2.0], r.Values.ToArray());
    }

    [Fact]
    public void Resample_HourlyLevelsToHalfHour_RepeatsThem()
    {
        var s = Series(TimeSpan.FromHours(1), SeriesUnit.Megawatts, 10, 4);
        Assert.Equal([10.0, 10.0, 4.0, 4.0], s.Resample(TimeSpan.FromMinutes(30)).Values.ToArray());
    }

    [Fact]
    public void Resample_PeriodNotWholeSteps_IsRefusedWithReason()
    {
        var s = Series(TimeSpan.FromMinutes(30), SeriesUnit.Kilowatts, 1, 2, 3);
        var ex = Assert.Throws<SeriesAlignmentException>(() => s.Resample(TimeSpan.FromHours(1)));
        Assert.Contains("not a whole number of 1 h steps", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resample_MissingValue_StaysMissing()
    {
        var s = Series(TimeSpan.FromMinutes(30), SeriesUnit.Kilowatts, 1, double.NaN, 3, 4);
        var r = s.Resample(TimeSpan.FromHours(1));
        Assert.True(double.IsNaN(r[0]));
        Assert.Equal(3.5, r[1]);
    }

    [Property(MaxTest = 200)]
    public Property Resample_PreservesEnergy_ForAnyStepRatio()
    {
        var gen = from n in Gen.Choose(1, 8)
                  from values in Gen.ArrayOf(Gen.Choose(0, 10_000).Select(v => v / 10.0), 12 * n)
                  from target in Gen.Elements(10, 15, 30, 60)
                  select (values, target);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var s = Series(TimeSpan.FromMinutes(5), SeriesUnit.Kilowatts, c.values);
            var r = s.Resample(TimeSpan.FromMinutes(c.target));
            var before = s.Integral(s.Window);
            var after = r.Integral(r.Window);
            return Math.Abs(before - after) <= 1e-9 * Math.Max(1, before);
        });
    }

    [Fact]
    public void Integral_PartialStepsAtTheEdges_CountInProportion()
    {
        var s = Series(TimeSpan.FromHours(1), SeriesUnit.Kilowatts, 100, 200, 300);
        // 00:30-02:15 = 0.5 h x 100 + 1 h x 200 + 0.25 h x 300
        var w = new TimeWindow(T0.AddMinutes(30), T0.AddMinutes(135));
        Assert.Equal(50 + 200 + 75, s.Integral(w), 9);
        Assert.Equal(325 / 1.75, s.Average(w), 9);
    }

    [Fact]
    public void Slice_OnTheGrid_ReturnsThatPart()
    {
        var s = Series(TimeSpan.FromMinutes(30), SeriesUnit.Kilowatts, 1, 2, 3, 4);
        var part = s.Slice(new TimeWindow(T0.AddMinutes(30), T0.AddMinutes(90)));
        Assert.Equal([2.0, 3.0], part.Values.ToArray());
        Assert.Equal(T0.AddMinutes(30), part.Start);
    }

    [Fact]
    public void Slice_OffTheGrid_IsRefused()
    {
        var s = Series(TimeSpan.FromMinutes(30), SeriesUnit.Kilowatts, 1, 2, 3, 4);
        var ex = Assert.Throws<SeriesAlignmentException>(() => s.Slice(new TimeWindow(T0.AddMinutes(10), T0.AddMinutes(60))));
        Assert.Contains("not on the series' 30 min grid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zip_DifferentSteps_IsRefusedNamingBoth()
    {
        var a = new TimeSeries(T0, TimeSpan.FromMinutes(30), [1.0, 2.0], SeriesUnit.Kilowatts, "demand");
        var b = new TimeSeries(T0, TimeSpan.FromHours(1), [1.0], SeriesUnit.Kilowatts, "solar");
        var ex = Assert.Throws<SeriesAlignmentException>(() => a.Zip(b, (x, y) => x - y));
        Assert.Contains("demand (step 30 min) and solar (step 1 h)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zip_ShiftedStart_IsRefused()
    {
        var a = new TimeSeries(T0, TimeSpan.FromMinutes(30), [1.0, 2.0], SeriesUnit.Kilowatts, "a");
        var b = new TimeSeries(T0.AddMinutes(30), TimeSpan.FromMinutes(30), [1.0, 2.0], SeriesUnit.Kilowatts, "b");
        Assert.Throws<SeriesAlignmentException>(() => a.Zip(b, (x, y) => x + y));
        Assert.Equal([2.0, 4.0], a.Zip(a, (x, y) => x + y).Values.ToArray());
    }

    [Fact]
    public void IndexOf_OffGridInstant_Throws()
    {
        var s = Series(TimeSpan.FromMinutes(30), SeriesUnit.Kilowatts, 1, 2);
        Assert.Equal(1, s.IndexOf(T0.AddMinutes(30)));
        Assert.Throws<SeriesAlignmentException>(() => s.IndexOf(T0.AddMinutes(10)));
        Assert.False(s.TryIndexOf(T0.AddHours(1), out _));
    }

    [Fact]
    public void Constructor_CopiesValues()
    {
        var values = new[] { 1.0, 2.0 };
        var s = Series(TimeSpan.FromMinutes(30), SeriesUnit.Kilowatts, values);
        values[0] = 99;
        Assert.Equal(1.0, s[0]);
    }
}
