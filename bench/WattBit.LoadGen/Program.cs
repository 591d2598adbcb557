using System.Diagnostics;
using System.Globalization;
using System.Text;
using WattBit.LoadGen;

// Open-loop load at fixed rates, latency from each request's intended send time (see OpenLoopRunner):
//   dotnet bench/WattBit.LoadGen/bin/Release/net10.0/WattBit.LoadGen.dll --duration 20 --connections 4 \
//     --target reads-a,read,3000,http://127.0.0.1:5101/api/areas/TK/signals/carbon/current \
//     --target ingest-a,ingest,100,http://127.0.0.1:5101,2025 --key KEY --csv trace.csv --summary summary.tsv [--warmup 3]
// Prints one line per target (rate asked / achieved, p50 p90 p99 p99.9 max, errors, the generator's own send lag) and the
// generator's CPU use; --csv writes the per-second trace (epoch second of intended send time, label, count, errors, p50,
// p99, max, the generator's largest send lag), --summary the table as tab-separated values.
try
{
    var options = LoadGenOptions.Parse(args);
    var time = TimeProvider.System;
    var runner = new OpenLoopRunner(time, options.Connections, options.ApiKey);

    // --warmup S: the same schedule for S seconds first, not recorded (as wrk2's calibration): the generator's own start
    // (JIT, thread pool, connections) otherwise stalls its first second and lands in every phase's tail. Its ingest writes
    // another fiscal year (+20), so the measured run still writes new rows.
    if (options.Warmup > TimeSpan.Zero)
    {
        await runner.RunAsync([.. options.Targets.Select(t => t with { IngestYear = t.IngestYear + 20 })], options.Warmup, time.GetTimestamp(),
            options.Drain).ConfigureAwait(false);
    }

    // Start on a whole UTC second so the trace's seconds are wall-clock seconds another process's trace can be joined on.
    var now = time.GetUtcNow();
    var startEpoch = now.ToUnixTimeSeconds() + 1;
    var startTicks = time.GetTimestamp() + (long)((startEpoch * 1000.0 - now.ToUnixTimeMilliseconds()) / 1000.0 * time.TimestampFrequency);
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var wall0 = time.GetTimestamp();
    var results = await runner.RunAsync(options.Targets, options.Duration, startTicks, options.Drain).ConfigureAwait(false);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
    var wall = time.GetElapsedTime(wall0);

    var table = new StringBuilder();
    table.AppendLine(CultureInfo.InvariantCulture,
        $"{"target",-12} {"asked/s",9} {"got/s",9} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"p99.9 ms",9} {"max ms",8} {"errors",7} {"lag p99",8}");
    var tsv = new StringBuilder("label\tasked\tachieved\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\terrors\tscheduled\tsend_lag_p99_ms\n");
    foreach (var r in results)
    {
        var achieved = r.Succeeded / Math.Max(options.Duration.TotalSeconds, (double)r.ElapsedTicks / time.TimestampFrequency);
        double Ms(long us) => us / 1000.0;
        table.AppendLine(CultureInfo.InvariantCulture,
            $"{r.Target.Label,-12} {r.Target.Rate,9:F0} {achieved,9:F1} {Ms(r.Latency.Percentile(50)),8:F2} {Ms(r.Latency.Percentile(90)),8:F2} {Ms(r.Latency.Percentile(99)),8:F2} {Ms(r.Latency.Percentile(99.9)),9:F2} {Ms(r.Latency.Max),8:F2} {r.Errors,7} {Ms(r.SendLag.Percentile(99)),8:F2}");
        tsv.AppendLine(string.Join('\t', r.Target.Label, r.Target.Rate.ToString("F0", CultureInfo.InvariantCulture),
            achieved.ToString("F1", CultureInfo.InvariantCulture),
            Ms(r.Latency.Percentile(50)).ToString("F2", CultureInfo.InvariantCulture), Ms(r.Latency.Percentile(90)).ToString("F2", CultureInfo.InvariantCulture),
            Ms(r.Latency.Percentile(99)).ToString("F2", CultureInfo.InvariantCulture), Ms(r.Latency.Percentile(99.9)).ToString("F2", CultureInfo.InvariantCulture),
            Ms(r.Latency.Max).ToString("F2", CultureInfo.InvariantCulture), r.Errors.ToString(CultureInfo.InvariantCulture),
            r.Scheduled.ToString(CultureInfo.InvariantCulture), Ms(r.SendLag.Percentile(99)).ToString("F2", CultureInfo.InvariantCulture)));
    }

    Console.Write(table);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"generator CPU: {cpu.TotalSeconds:F2} s in {wall.TotalSeconds:F1} s = {100 * cpu.TotalSeconds / wall.TotalSeconds:F0} % of one core"));
    if (options.SummaryPath is { } summary)
    {
        await File.WriteAllTextAsync(summary, tsv.ToString()).ConfigureAwait(false);
    }

    if (options.TracePath is { } trace)
    {
        var csv = new StringBuilder("epoch_second,utc,label,count,errors,p50_ms,p99_ms,max_ms,send_lag_max_ms\n");
        for (var s = 0; s < results[0].PerSecond.Length; s++)
        {
            foreach (var r in results)
            {
                var h = r.PerSecond[s];
                csv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{startEpoch + s},{DateTimeOffset.FromUnixTimeSeconds(startEpoch + s):HH:mm:ss},{r.Target.Label},{h.Count},{r.ErrorsPerSecond[s]},{h.Percentile(50) / 1000.0:F2},{h.Percentile(99) / 1000.0:F2},{h.Max / 1000.0:F2},{r.MaxSendLagPerSecond[s] / 1000.0:F2}"));
            }
        }

        await File.WriteAllTextAsync(trace, csv.ToString()).ConfigureAwait(false);
    }

    return 0;
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"WattBit.LoadGen: {e.Message}").ConfigureAwait(false);
    return 2;
}
