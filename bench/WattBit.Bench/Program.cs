using BenchmarkDotNet.Running;

// Runs the BenchmarkDotNet suites of this assembly: `dotnet run -c Release --project bench/WattBit.Bench -- --filter '*Shift*'`.
// Whole-program benchmarks register themselves in WholeProgram.cs and run with `-- whole <name>`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
