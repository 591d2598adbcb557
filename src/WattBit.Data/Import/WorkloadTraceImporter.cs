using System.Globalization;
using WattBit.Formats;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Data.Import;

/// <summary>The time unit of a (arrival, length, cpus) job trace.</summary>
public enum TraceTimeUnit
{
    /// <summary>Tell from the file: seconds when the largest arrival exceeds <see cref="JobTraceOptions.SecondsThreshold"/>, else hours.</summary>
    Auto,

    /// <summary>Arrival and length in hours (the GAIA 100k traces).</summary>
    Hours,

    /// <summary>Arrival and length in seconds (the GAIA 1k sample).</summary>
    Seconds,
}

/// <summary>
/// How a (arrival, length, cpus) trace becomes WattBit batch jobs. The power model: a job draws
/// <see cref="WattsPerCpu"/> × cpus while it runs (IT power, before PUE); its deadline is its release plus its
/// duration times <see cref="DeadlineStretch"/> plus <see cref="ExtraSlack"/>.
/// </summary>
public sealed record JobTraceOptions
{
    /// <summary>Arrival time 0 of the trace. Default 2025-04-01T00:00+09:00 (the start of the reference fiscal year).</summary>
    public DateTimeOffset Origin { get; init; } = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    /// <summary>Average server power per allocated CPU (vCPU), W. Default 10 W: a ~320 W two-socket server shared by 32 vCPUs.</summary>
    public double WattsPerCpu { get; init; } = 10;

    /// <summary>Deadline = release + duration × this. Default 1 (no stretch).</summary>
    public double DeadlineStretch { get; init; } = 1;

    /// <summary>Extra time before the deadline. Default 24 h: a batch job may wait up to a day.</summary>
    public TimeSpan ExtraSlack { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Whether the jobs may be paused and resumed. Default false.</summary>
    public bool Interruptible { get; init; }

    /// <summary>The time unit of the file. Default <see cref="TraceTimeUnit.Auto"/>.</summary>
    public TraceTimeUnit Unit { get; init; } = TraceTimeUnit.Auto;

    /// <summary>For <see cref="TraceTimeUnit.Auto"/>: a largest arrival above this (10,000: more than a year in hours) means seconds.</summary>
    public const double SecondsThreshold = 10_000;

    /// <summary>Prefix of the job ids (followed by the 1-based row number). Default "job".</summary>
    public string IdPrefix { get; init; } = "job";
}

/// <summary>The jobs read from a trace and the unit the times were read in.</summary>
/// <param name="Jobs">The jobs, in file order.</param>
/// <param name="Unit">Hours or seconds (never Auto).</param>
public sealed record JobTrace(IReadOnlyList<BatchJob> Jobs, TraceTimeUnit Unit);

/// <summary>One request of an LLM inference trace.</summary>
/// <param name="Arrival">When the request arrived.</param>
/// <param name="ContextTokens">Prompt (context) tokens.</param>
/// <param name="GeneratedTokens">Output tokens.</param>
public readonly record struct LlmRequest(DateTimeOffset Arrival, int ContextTokens, int GeneratedTokens);

/// <summary>
/// Energy model of LLM inference: prefill energy per context token plus decode energy per generated token
/// (accelerator energy, before PUE). Defaults are for a 70B-class model on H100-class GPUs, in the range published
/// by inference energy studies (order of 0.1 J per prompt token and a few J per output token).
/// </summary>
public sealed record LlmEnergyModel
{
    /// <summary>Energy per context (prompt) token, J. Default 0.1.</summary>
    public double JoulesPerContextToken { get; init; } = 0.1;

    /// <summary>Energy per generated token, J. Default 3.</summary>
    public double JoulesPerGeneratedToken { get; init; } = 3;

    /// <summary>Energy of one request, J.</summary>
    public double JoulesOf(LlmRequest r) => (r.ContextTokens * JoulesPerContextToken) + (r.GeneratedTokens * JoulesPerGeneratedToken);
}

/// <summary>Reads workload traces into WattBit workloads. Thread-safe.</summary>
public static class WorkloadTraceImporter
{
    /// <summary>Reads an <c>arrival_time,length,cpus</c> trace (GAIA: Alibaba PAI, Azure) as batch jobs.</summary>
    /// <exception cref="InputFormatException">The file is malformed: missing columns, bad numbers, non-positive length or cpus.</exception>
    public static JobTrace ReadJobs(string path, JobTraceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new JobTraceOptions();
        var table = CsvTable.ReadFile(path);
        int cArrival = table.Require("arrival_time"), cLength = table.Require("length"), cCpus = table.Require("cpus");
        var rows = new (double Arrival, double Length, double Cpus, CsvRow Row)[table.Rows.Count];
        var maxArrival = 0.0;
        for (var i = 0; i < rows.Length; i++)
        {
            var row = table.Rows[i];
            var arrival = Number(table, row, cArrival);
            var length = Number(table, row, cLength);
            var cpus = Number(table, row, cCpus);
            if (arrival < 0)
            {
                throw table.Error(row, cArrival, $"arrival time {arrival} is negative.");
            }

            if (length <= 0)
            {
                throw table.Error(row, cLength, $"length {length} must be positive.");
            }

            if (cpus <= 0)
            {
                throw table.Error(row, cCpus, $"cpus {cpus} must be positive.");
            }

            maxArrival = Math.Max(maxArrival, arrival);
            rows[i] = (arrival, length, cpus, row);
        }

        var unit = options.Unit != TraceTimeUnit.Auto ? options.Unit
            : maxArrival > JobTraceOptions.SecondsThreshold ? TraceTimeUnit.Seconds : TraceTimeUnit.Hours;
        var scale = unit == TraceTimeUnit.Hours ? TimeSpan.TicksPerHour : TimeSpan.TicksPerSecond;
        var jobs = new List<BatchJob>(rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            var (arrival, length, cpus, _) = rows[i];

            // Whole seconds keep the jobs on the planners' second grid.
            var release = options.Origin + TimeSpan.FromSeconds(Math.Round(arrival * scale / TimeSpan.TicksPerSecond));
            var duration = TimeSpan.FromSeconds(Math.Max(1, Math.Round(length * scale / TimeSpan.TicksPerSecond)));
            var window = TimeSpan.FromSeconds(Math.Ceiling(duration.TotalSeconds * options.DeadlineStretch)) + options.ExtraSlack;
            jobs.Add(new BatchJob(
                $"{options.IdPrefix}-{i + 1}", release, release + (window > duration ? window : duration + TimeSpan.FromSeconds(1)), duration,
                Power.FromKilowatts(cpus * options.WattsPerCpu / 1000.0), options.Interruptible));
        }

        return new JobTrace(jobs, unit);
    }

    /// <summary>Reads an Azure LLM inference trace (<c>TIMESTAMP,ContextTokens,GeneratedTokens</c>; timestamps in UTC).</summary>
    /// <exception cref="InputFormatException">The file is malformed.</exception>
    public static IReadOnlyList<LlmRequest> ReadLlmRequests(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var table = CsvTable.ReadFile(path);
        int cTime = table.Require("TIMESTAMP"), cContext = table.Require("ContextTokens"), cGenerated = table.Require("GeneratedTokens");
        var list = new List<LlmRequest>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var text = table.Field(row, cTime);
            if (!DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
            {
                throw table.Error(row, cTime, $"'{text}' is not a timestamp like 2023-11-16 18:17:03.9799600.");
            }

            var context = Number(table, row, cContext);
            var generated = Number(table, row, cGenerated);
            if (context < 0 || generated < 0 || context != Math.Floor(context) || generated != Math.Floor(generated))
            {
                throw table.Error(row, context < 0 || context != Math.Floor(context) ? cContext : cGenerated, "token counts must be whole numbers >= 0.");
            }

            list.Add(new LlmRequest(new DateTimeOffset(utc, TimeSpan.Zero), (int)context, (int)generated));
        }

        return list;
    }

    /// <summary>
    /// The average power of an inference trace per <paramref name="step"/> (kW), each request's energy booked in the step
    /// it arrives in: the load an inference site would draw to serve the trace.
    /// </summary>
    /// <exception cref="ArgumentException">No requests, or a step that is not a whole number of seconds.</exception>
    public static TimeSeries ToPowerSeries(IReadOnlyList<LlmRequest> requests, TimeSpan step, LlmEnergyModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            throw new ArgumentException("The trace has no requests.", nameof(requests));
        }

        model ??= new LlmEnergyModel();
        var first = requests.Min(r => r.Arrival);
        var start = new DateTimeOffset(first.UtcTicks - (first.UtcTicks % step.Ticks), TimeSpan.Zero);
        var last = requests.Max(r => r.Arrival);
        var n = (int)((last - start).Ticks / step.Ticks) + 1;
        var joules = new double[n];
        foreach (var r in requests)
        {
            joules[(int)((r.Arrival - start).Ticks / step.Ticks)] += model.JoulesOf(r);
        }

        for (var i = 0; i < n; i++)
        {
            joules[i] = joules[i] / step.TotalSeconds / 1000.0; // J per step -> W average -> kW
        }

        return TimeSeries.Wrap(start, step, joules, SeriesUnit.Kilowatts, "LLM inference power");
    }

    private static double Number(CsvTable table, CsvRow row, int column)
    {
        var text = table.Field(row, column);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw table.Error(row, column, $"'{text}' is not a number.");
    }
}
