using BenchmarkDotNet.Running;

// Runs the BenchmarkDotNet suites of this assembly, each with a baseline measured in the same run:
// `dotnet run -c Release --project bench/WattBit.Bench -- --filter '*Shift*'` (or '*Headroom*', '*Siting*', ...).
// Add `--job short --inProcess` on a busy machine: in-process runs skip BenchmarkDotNet's per-job rebuild.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
