using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace WattBit.Bench.Grid;

/// <summary>
/// In-process Monitoring jobs for the grid benchmarks: each measured run lasts seconds to minutes, so there is no
/// need for BenchmarkDotNet's per-job rebuild (which times out on a busy 2-core machine); runs may last 30 minutes.
/// </summary>
public abstract class GridBenchConfig : ManualConfig
{
    protected GridBenchConfig(int warmup, int iterations)
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(warmup)
            .WithIterationCount(iterations)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}

/// <summary>One warm-up, three measured runs.</summary>
public sealed class ThreeRuns() : GridBenchConfig(1, 3);

/// <summary>Two measured runs, no warm-up.</summary>
public sealed class TwoRuns() : GridBenchConfig(0, 2);

/// <summary>One measured run (full-year runs of minutes).</summary>
public sealed class OneRun() : GridBenchConfig(0, 1);
