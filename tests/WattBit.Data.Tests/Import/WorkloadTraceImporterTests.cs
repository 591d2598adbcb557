using WattBit.Data.Import;
using WattBit.Formats;
using WattBit.Testing;

namespace WattBit.Data.Tests.Import;

public sealed class WorkloadTraceImporterTests
{
    [Fact]
    public void ImportJobs_Pai1k_IsReadInSecondsWithThePowerModel()
    {
        var trace = WorkloadTraceImporter.ReadJobs(SharedData.Path("workloads", "gaia_pai_1k.csv"));
        Assert.Equal(TraceTimeUnit.Seconds, trace.Unit);
        Assert.Equal(1000, trace.Jobs.Count);
        var j = trace.Jobs[1]; // 68.0,1000.0,1
        var origin = new JobTraceOptions().Origin;
        Assert.Equal(origin.AddSeconds(68), j.Release);
        Assert.Equal(TimeSpan.FromSeconds(1000), j.Duration);
        Assert.Equal(0.010, j.Power.Kilowatts, 9);
        Assert.Equal(j.Release + TimeSpan.FromSeconds(1000) + TimeSpan.FromHours(24), j.Deadline);
    }

    [Fact]
    public void ImportJobs_Azure100k_IsReadInHours()
    {
        var trace = WorkloadTraceImporter.ReadJobs(SharedData.Path("workloads", "gaia_azure-100k.csv"), new JobTraceOptions { WattsPerCpu = 12.5 });
        Assert.Equal(TraceTimeUnit.Hours, trace.Unit);
        Assert.Equal(99988, trace.Jobs.Count);
        Assert.Equal(TimeSpan.FromMinutes(45), trace.Jobs[0].Duration); // 0.75 h
        Assert.Equal(0.05, trace.Jobs[0].Power.Kilowatts, 9); // 4 cpus x 12.5 W
    }

    [Fact]
    public void ImportJobs_NonPositiveLength_FailsWithLineAndColumn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wb-jobs-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "arrival_time,length,cpus\n0,1,1\n1,0,1\n");
        try
        {
            var ex = Assert.Throws<InputFormatException>(() => WorkloadTraceImporter.ReadJobs(path));
            Assert.Equal(3, ex.Line);
            Assert.Equal(3, ex.Column);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ImportLlm_ConversationTrace_EnergyMatchesTheModel()
    {
        var requests = WorkloadTraceImporter.ReadLlmRequests(SharedData.Path("workloads", "AzureLLMInferenceTrace_conv.csv"));
        Assert.Equal(19366, requests.Count);
        Assert.Equal(new DateTimeOffset(2023, 11, 16, 18, 15, 46, TimeSpan.Zero).AddTicks(6805900), requests[0].Arrival);
        Assert.Equal(374, requests[0].ContextTokens);
        var model = new LlmEnergyModel();
        var power = WorkloadTraceImporter.ToPowerSeries(requests, TimeSpan.FromMinutes(1), model);
        var joules = requests.Sum(model.JoulesOf);
        var kwh = power.Integral(power.Window);
        Assert.Equal(joules / 3.6e6, kwh, 9);
    }
}

public sealed class JobsCsvWriteTests
{
    [Fact]
    public void Write_Pai1k_ReadsBackWithTheJobsReader()
    {
        var trace = WorkloadTraceImporter.ReadJobs(SharedData.Path("workloads", "gaia_pai_1k.csv"), new JobTraceOptions { Interruptible = true, IdPrefix = "pai" });
        using var w = new StringWriter();
        JobsCsv.Write(w, trace.Jobs);
        var back = JobsCsv.Parse(w.ToString(), "jobs.csv");
        Assert.Equal(trace.Jobs.Count, back.Jobs.Count);
        for (var i = 0; i < back.Jobs.Count; i += 97)
        {
            var (a, b) = (trace.Jobs[i], back.Jobs[i]);
            Assert.Equal((a.Id, a.Release, a.Deadline, a.Interruptible), (b.Id, b.Release, b.Deadline, b.Interruptible));
            Assert.Equal(a.Duration.TotalSeconds, b.Duration.TotalSeconds, 3); // the jobs reader takes minutes as a double
            Assert.Equal(a.Power.Kilowatts, b.Power.Kilowatts, 12);
        }
    }
}
