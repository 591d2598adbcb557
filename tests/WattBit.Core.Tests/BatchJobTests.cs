using WattBit.Formats;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Core.Tests;

public sealed class BatchJobTests
{
    private static readonly DateTimeOffset T0 = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    [Fact]
    public void Job_IsBatchWorkUnlessToldOtherwise()
    {
        var job = new BatchJob("a", T0, T0.AddHours(4), TimeSpan.FromHours(2), Power.FromKilowatts(500), interruptible: true);
        Assert.Equal(WorkloadKind.Batch, job.Kind);
        Assert.Equal(1.0, job.Energy.MegawattHours, 12); // 0.5 MW for 2 h
        Assert.Equal(TimeSpan.FromHours(2), job.Slack);
    }

    [Fact]
    public void Inference_IsNotAJob()
    {
        var ex = Assert.Throws<ModelValidationException>(() =>
            new BatchJob("svc", T0, T0.AddHours(4), TimeSpan.FromHours(1), Power.FromKilowatts(10), false, null, WorkloadKind.Inference));
        Assert.Equal("kind", ex.Field);
        Assert.Contains("inference is a service", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 6, 100, "duration")]
    [InlineData(0, 1, 100, "deadline")]
    [InlineData(4, 1, 0, "power")]
    [InlineData(4, 0, 100, "duration")]
    public void AJobThatCannotRun_NamesTheField(double windowHours, double hours, double kw, string field)
    {
        var ex = Assert.Throws<ModelValidationException>(() =>
            new BatchJob("j", T0, T0.AddHours(windowHours), TimeSpan.FromHours(hours), Power.FromKilowatts(kw), false));
        Assert.Equal(field, ex.Field);
        Assert.Equal("j", ex.Subject);
        Assert.DoesNotContain("(Parameter", ex.Message, StringComparison.Ordinal);
    }
}
