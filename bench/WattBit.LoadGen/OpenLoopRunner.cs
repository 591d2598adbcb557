using System.Globalization;
using System.Net;
using System.Text;

namespace WattBit.LoadGen;

/// <summary>What a target's requests do.</summary>
public enum TargetKind
{
    /// <summary>GET the target's URL.</summary>
    Read,

    /// <summary>PUT one 30-minute carbon value to <c>{url}/api/areas/TK/signals/carbon</c>, walking one slot forward per request (a real upsert each).</summary>
    Ingest,
}

/// <summary>One stream of requests at a fixed rate: a route of one instance.</summary>
/// <param name="Label">Names the target in the tables and the trace (no commas).</param>
/// <param name="Kind">What each request does.</param>
/// <param name="Url">The URL read, or the instance's base URL for ingest.</param>
/// <param name="Rate">Requests per second asked.</param>
/// <param name="IngestYear">The fiscal year whose slots ingest walks (two targets given different years write different rows).</param>
public sealed record LoadTarget(string Label, TargetKind Kind, Uri Url, double Rate, int IngestYear = 2025);

/// <summary>One answered (or failed) request, for callers that need every request rather than the histograms.</summary>
/// <param name="Label">The target's label.</param>
/// <param name="Index">The request's index in its schedule.</param>
/// <param name="IntendedTicks">When it was meant to be sent (timestamp ticks of the runner's <see cref="TimeProvider"/>).</param>
/// <param name="SentTicks">When the runner handed it to the client.</param>
/// <param name="CompletedTicks">When its answer was read.</param>
/// <param name="Status">The HTTP status, 0 when no answer came (connection error).</param>
public readonly record struct RequestOutcome(string Label, long Index, long IntendedTicks, long SentTicks, long CompletedTicks, int Status);

/// <summary>A target's results: latencies from each request's intended send time, in microseconds.</summary>
public sealed class TargetResult(LoadTarget target, int seconds)
{
    /// <summary>The target measured.</summary>
    public LoadTarget Target { get; } = target;

    /// <summary>Latency of every answered request, intended send time to answer read (µs).</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>How late the runner handed each request to the client after its intended time (µs): the generator's own lag.</summary>
    public LatencyHistogram SendLag { get; } = new();

    /// <summary>Latency by whole second of intended send time since the start (index 0 is the first second).</summary>
    public LatencyHistogram[] PerSecond { get; } = [.. Enumerable.Range(0, seconds).Select(_ => new LatencyHistogram())];

    /// <summary>The largest send lag (µs) by second of intended send time: a second in which the generator itself was late.</summary>
    public long[] MaxSendLagPerSecond { get; } = new long[seconds];

    /// <summary>Requests answered with a non-2xx status or not answered, by second of intended send time.</summary>
    public long[] ErrorsPerSecond { get; } = new long[seconds];

    /// <summary>Requests scheduled.</summary>
    public long Scheduled { get; internal set; }

    /// <summary>Requests answered 2xx.</summary>
    public long Succeeded => Latency.Count - Errors;

    /// <summary>Requests answered with another status or not answered.</summary>
    public long Errors => ErrorsPerSecond.Sum();

    /// <summary>Timestamp ticks from the start to the last answer.</summary>
    public long ElapsedTicks { get; internal set; }
}

/// <summary>
/// Sends each target's requests at its fixed rate (open loop) and charges each request from its intended send time,
/// so a stall of the server is counted in every request it delayed (no coordinated omission). Each target has its own
/// <see cref="SocketsHttpHandler"/> (HTTP/1.1 keep-alive, at most <c>connections</c> connections) so a slow route cannot
/// queue another route's requests behind it in the generator; requests beyond the connections wait in the handler's
/// queue, and that wait is part of their latency, as a real client's would be.
/// </summary>
public sealed class OpenLoopRunner(TimeProvider time, int connections, string? apiKey)
{
    private static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(1);

    /// <summary>Called for each request once it is answered or failed (from a thread-pool thread, concurrently).</summary>
    public Action<RequestOutcome>? Observer { get; init; }

    /// <summary>Runs every target for <paramref name="duration"/> from <paramref name="startTicks"/> and waits for the last answers.</summary>
    /// <param name="targets">The targets, all started together.</param>
    /// <param name="duration">How long requests are scheduled.</param>
    /// <param name="startTicks">The common start, in timestamp ticks of the runner's clock (may be in the future).</param>
    /// <param name="drain">How long to wait for answers after the last scheduled request; later ones count as errors.</param>
    /// <param name="cancellationToken">Stops scheduling.</param>
    public async Task<IReadOnlyList<TargetResult>> RunAsync(IReadOnlyList<LoadTarget> targets, TimeSpan duration, long startTicks,
        TimeSpan drain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var seconds = (int)Math.Ceiling(duration.TotalSeconds);
        var results = targets.Select(t => new TargetResult(t, seconds)).ToArray();
        var clients = targets.Select(_ => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = Timeout.InfiniteTimeSpan, DefaultRequestVersion = HttpVersion.Version11 }).ToArray();
        try
        {
            var loops = targets.Select((t, i) => ScheduleAsync(clients[i], results[i], new RateSchedule(t.Rate, duration), startTicks, drain, cancellationToken));
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }

        return results;
    }

    private async Task ScheduleAsync(HttpClient client, TargetResult result, RateSchedule schedule, long startTicks, TimeSpan drain,
        CancellationToken stop)
    {
        using var unanswered = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var requestToken = unanswered.Token;
        var frequency = time.TimestampFrequency;
        var count = schedule.Count;
        result.Scheduled = count;
        var inFlight = new List<Task>((int)Math.Min(count, 1 << 20));
        for (long i = 0; i < count && !stop.IsCancellationRequested; i++)
        {
            var due = startTicks + schedule.OffsetOf(i, frequency);
            var wait = time.GetElapsedTime(time.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                // Timers tick in whole milliseconds: a request may leave up to about a millisecond late, which its latency
                // includes (it is measured from `due`) and SendLag reports.
                await Task.Delay(wait < MinDelay ? MinDelay : wait, time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            inFlight.Add(SendAsync(client, result, i, due, startTicks, requestToken));
        }

        var all = Task.WhenAll(inFlight);
        await Task.WhenAny(all, Task.Delay(drain, time, stop)).ConfigureAwait(false);
        result.ElapsedTicks = time.GetTimestamp() - startTicks;
        if (!all.IsCompleted)
        {
            // What is still unanswered after the drain is cancelled and counted as unanswered (status 0).
            await unanswered.CancelAsync().ConfigureAwait(false);
            await all.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task SendAsync(HttpClient client, TargetResult result, long index, long due, long startTicks, CancellationToken token)
    {
        await Task.Yield();   // off the schedule loop: its next request is not delayed by this one's send
        var sent = time.GetTimestamp();
        var status = 0;
        try
        {
            using var request = Build(result.Target, index);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
        }
        catch (OperationCanceledException)
        {
        }

        var done = time.GetTimestamp();
        var frequency = time.TimestampFrequency;
        var latency = (done - due) * 1_000_000 / frequency;
        result.Latency.Record(latency);
        var lag = (sent - due) * 1_000_000 / frequency;
        result.SendLag.Record(lag);
        var second = (int)Math.Min(result.PerSecond.Length - 1, (due - startTicks) / frequency);
        result.PerSecond[second].Record(latency);
        var maxLag = Interlocked.Read(ref result.MaxSendLagPerSecond[second]);
        while (lag > maxLag)
        {
            var seen = Interlocked.CompareExchange(ref result.MaxSendLagPerSecond[second], lag, maxLag);
            if (seen == maxLag)
            {
                break;
            }

            maxLag = seen;
        }
        if (status is < 200 or > 299)
        {
            Interlocked.Increment(ref result.ErrorsPerSecond[second]);
        }

        Observer?.Invoke(new RequestOutcome(result.Target.Label, index, due, sent, done, status));
    }

    private HttpRequestMessage Build(LoadTarget target, long index)
    {
        if (target.Kind == TargetKind.Read)
        {
            return new HttpRequestMessage(HttpMethod.Get, target.Url);
        }

        var slot = new DateTimeOffset(target.IngestYear, 4, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(30 * ((index + 1) % 17000));
        var body = string.Create(CultureInfo.InvariantCulture,
            $"{{\"start\":\"{slot:yyyy-MM-dd'T'HH:mm:ss'Z'}\",\"stepMinutes\":30,\"values\":[{300 + (index % 200)}]}}");
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(target.Url, "/api/areas/TK/signals/carbon"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return request;
    }
}
