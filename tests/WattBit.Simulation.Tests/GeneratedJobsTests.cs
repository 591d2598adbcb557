using WattBit.Simulation.Engine;
using WattBit.Workloads;

namespace WattBit.Simulation.Tests;

/// <summary>The simulator's generated jobs are Core jobs on the step grid: each index reads back as a valid <see cref="BatchJob"/>.</summary>
public sealed class GeneratedJobsTests
{
    [Fact]
    public void EveryGeneratedJob_IsAValidCoreJob_WithItsEnergyAndKind()
    {
        var scenario = TestScenarios.Parse(TestScenarios.Yaml(days: 7, jobs: 400));
        var workload = WorkloadGenerator.Generate(scenario);
        var siteIds = scenario.Sites.Select(s => s.Id).ToList();
        var jobs = workload.Jobs;
        Assert.True(jobs.Count > 0);

        var kinds = new HashSet<WorkloadKind>();
        for (var j = 0; j < jobs.Count; j++)
        {
            // The Core job's constructor rejects a window that cannot hold the run, a non-positive power, or inference.
            var job = jobs.Job(j, "j" + j, scenario.Start, scenario.Step, siteIds);
            kinds.Add(job.Kind);
            Assert.Equal(scenario.Start + (scenario.Step * jobs.Release[j]), job.Release);
            Assert.True(job.Release + job.Duration <= job.Deadline, $"job {j} cannot finish in its window");
            Assert.Equal(jobs.PowerMw[j] * jobs.Duration[j] * scenario.Step.TotalHours, job.Energy.MegawattHours, 9);
            Assert.Equal([siteIds[jobs.Home[j]]], job.Locations);
        }

        Assert.DoesNotContain(WorkloadKind.Inference, kinds);
        Assert.Contains(WorkloadKind.Batch, kinds);
    }
}
