using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using WattBit.Data.Storage;
using WattBit.Time;

namespace WattBit.Bench.Storage;

/// <summary>
/// Storage throughput, SQLite (baseline) vs PostgreSQL: writing 9 area series x one year of 30-min slots (157,680 new
/// points) in one transaction into a store that holds one such series, and reading a stored year ten times as range
/// queries (175,200 values). PostgreSQL needs a running server
/// named by WATTBIT_BENCH_POSTGRES (an Npgsql connection string to a database the benchmark may create databases from),
/// for example one started as in docs/storage.md. Rows per second = points / mean time.
/// Run: <c>dotnet run -c Release --project bench/WattBit.Bench -- --filter '*StorageBenchmarks*'</c>.
/// </summary>
[Config(typeof(InProcessConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[MemoryDiagnoser]
public class StorageBenchmarks
{
    private const int Series = 10;
    private const int SlotsPerYear = 365 * 48;
    private static readonly DateTimeOffset Start = new(2025, 4, 1, 0, 0, 0, Jst.Offset);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(30);

    private readonly List<SeriesWrite> _writes = [];
    private string _folder = "";
    private string _postgresAdmin = "";
    private IWattBitStore? _sqlite;
    private IWattBitStore? _postgres;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (var s = 0; s < Series; s++)
        {
            var values = new double[SlotsPerYear];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = 20_000 + (rng.NextDouble() * 10_000);
            }

            _writes.Add(new SeriesWrite(new SeriesKey(WattBit.Areas.JapanAreas.All[s].Code, "demand", "bench"),
                new TimeSeries(Start, Step, values, SeriesUnit.Megawatts)));
        }

        _folder = Directory.CreateTempSubdirectory("wattbit-bench-").FullName;
        _postgresAdmin = Environment.GetEnvironmentVariable("WATTBIT_BENCH_POSTGRES")
                         ?? throw new InvalidOperationException("Set WATTBIT_BENCH_POSTGRES to an Npgsql connection string (see docs/storage.md).");
    }

    [IterationSetup]
    public void FreshStores()
    {
        DisposeStores();
        _round++;
        _sqlite = WattBitStore.OpenAsync(Path.Combine(_folder, $"r{_round}.db")).GetAwaiter().GetResult();
        var name = $"wattbit_bench_{Guid.NewGuid():N}";
        using (var c = new Npgsql.NpgsqlConnection(_postgresAdmin))
        {
            c.Open();
            using var cmd = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", c);
            cmd.ExecuteNonQuery();
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(_postgresAdmin) { Database = name };
        _postgres = WattBitStore.OpenAsync("postgres:" + builder.ConnectionString).GetAwaiter().GetResult();
        // The read benchmarks read what a write stored; writes measure an empty store, so reads get their own copy.
        _sqlite.UpsertSeriesAsync(_writes.Take(1).ToList()).GetAwaiter().GetResult();
        _postgres.UpsertSeriesAsync(_writes.Take(1).ToList()).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("write")]
    public long WriteSqlite() => _sqlite!.UpsertSeriesAsync(_writes.Skip(1).ToList()).GetAwaiter().GetResult();

    [Benchmark, BenchmarkCategory("write")]
    public long WritePostgres() => _postgres!.UpsertSeriesAsync(_writes.Skip(1).ToList()).GetAwaiter().GetResult();

    [Benchmark(Baseline = true), BenchmarkCategory("read")]
    public double ReadSqlite() => Read(_sqlite!);

    [Benchmark, BenchmarkCategory("read")]
    public double ReadPostgres() => Read(_postgres!);

    private double Read(IWattBitStore store)
    {
        // Reads the stored year ten times (the same volume as the write: 10 x 17,520 values).
        var window = TimeWindow.FromDuration(Start, Step * SlotsPerYear);
        double sum = 0;
        for (var i = 0; i < Series; i++)
        {
            sum += store.ReadSeriesAsync(_writes[0].Key, window).GetAwaiter().GetResult()![i];
        }

        return sum;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        DisposeStores();
        Directory.Delete(_folder, recursive: true);
    }

    private void DisposeStores()
    {
        _sqlite?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _postgres?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>
/// Runs in the host process with few iterations: the shared 2-core machine cannot rebuild the whole bench project
/// within BenchmarkDotNet's build timeout, and one storage iteration moves a year of data.
/// </summary>
public sealed class InProcessConfig : ManualConfig
{
    public InProcessConfig() => AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5)
        .WithToolchain(InProcessEmitToolchain.Instance));
}

/// <summary>In-process, throughput measurement with enough iterations for a millisecond-scale method.</summary>
public sealed class InProcessThroughputConfig : ManualConfig
{
    public InProcessThroughputConfig() => AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15)
        .WithToolchain(InProcessEmitToolchain.Instance));
}
