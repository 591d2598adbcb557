using BenchmarkDotNet.Running;
using WattBit.Bench.Grid;

// Runs the BenchmarkDotNet suites of this assembly, each with a baseline measured in the same run:
// `dotnet run -c Release --project bench/WattBit.Bench -- --filter '*Shift*'` (or '*Headroom*', '*Siting*', ...).
// Add `--job short --inProcess` on a busy machine: in-process runs skip BenchmarkDotNet's per-job rebuild.
// `-- scale CASE.m [--sample N] [--full]`: whole-program headroom timing at TSO scale (HeadroomScaleRun).
if (args is ["scale", _, ..])
{
    return HeadroomScaleRun.Run(args);
}

// `-- year CASE.m [--store year.whr] [--check 4]`: the whole N-1 year of every bus, wall clock, CPU seconds, peak memory.
if (args is ["year", _, ..])
{
    return HeadroomScaleRun.Year(args);
}

// `-- market [--scales 0.01,0.02,1] [--baseline-up-to 0.02]`: the market clearing at the size (MarketScaleRun).
if (args is ["market", ..])
{
    return WattBit.Bench.Market.MarketScaleRun.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
