using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WattBit.LoadGen;

namespace WattBit.Server.Tests.LoadGen;

/// <summary>The open-loop runner against a stub HTTP server on loopback. Nothing here asserts a duration: the checks are counts and the order of recorded timestamps.</summary>
public sealed class OpenLoopRunnerTests
{
    /// <summary>A stub that answers 200 at once, except the <paramref name="stallOn"/>-th request, which it holds for <paramref name="stall"/>.</summary>
    private sealed class Stub(int stallOn, TimeSpan stall) : IAsyncDisposable
    {
        private WebApplication? _app;
        private int _received;

        public int Received => _received;

        public long StallStart { get; private set; }

        public long StallEnd { get; private set; }

        public Uri Url { get; private set; } = null!;

        public async Task StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            _app = builder.Build();
            _app.MapGet("/x", async () =>
            {
                if (Interlocked.Increment(ref _received) == stallOn)
                {
                    StallStart = TimeProvider.System.GetTimestamp();
                    await Task.Delay(stall);   // the stimulus: a server that stalls once
                    StallEnd = TimeProvider.System.GetTimestamp();
                }

                return Results.Ok();
            });
            await _app.StartAsync();
            Url = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/x");
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Run_RateForDuration_SendsRateTimesDurationRequests()
    {
        await using var stub = new Stub(stallOn: 0, TimeSpan.Zero);
        await stub.StartAsync();
        var runner = new OpenLoopRunner(TimeProvider.System, connections: 2, apiKey: null);
        var results = await runner.RunAsync([new LoadTarget("r", TargetKind.Read, stub.Url, 200)], TimeSpan.FromSeconds(1),
            TimeProvider.System.GetTimestamp(), TimeSpan.FromSeconds(30));

        var r = Assert.Single(results);
        Assert.Equal(200, r.Scheduled);
        Assert.Equal(200, stub.Received);
        Assert.Equal(200, r.Latency.Count);
        Assert.Equal(0, r.Errors);
        Assert.Equal(200, r.PerSecond.Sum(h => h.Count));
    }

    [Fact]
    public async Task Run_ServerStallsOnce_EveryRequestItDelayedIsChargedFromItsIntendedTime()
    {
        const double Rate = 100;
        var stall = TimeSpan.FromMilliseconds(200);
        await using var stub = new Stub(stallOn: 50, stall);
        await stub.StartAsync();
        var outcomes = new ConcurrentBag<RequestOutcome>();
        // One connection: the requests behind the stalled one wait for it, as a closed-loop client's would, but their
        // latency must count from when they were meant to be sent.
        var runner = new OpenLoopRunner(TimeProvider.System, connections: 1, apiKey: null) { Observer = outcomes.Add };
        var results = await runner.RunAsync([new LoadTarget("r", TargetKind.Read, stub.Url, Rate)], TimeSpan.FromSeconds(2),
            TimeProvider.System.GetTimestamp(), TimeSpan.FromSeconds(60));

        var r = Assert.Single(results);
        Assert.Equal(200, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(200, o.Status));
        var frequency = (double)TimeProvider.System.TimestampFrequency;

        // Requests meant to leave while the server stalled: at least rate x stall of them (their intended times are 1/rate
        // apart and the stall lasted at least `stall`), and none answered before the stall ended: each is late by at least
        // its own wait, stall end minus its intended time, not by the time it spent on the wire.
        var delayed = outcomes.Where(o => o.IntendedTicks >= stub.StallStart && o.IntendedTicks < stub.StallEnd).ToArray();
        Assert.True(delayed.Length >= (int)(Rate * stall.TotalSeconds) - 1, $"{delayed.Length} requests intended during the stall");
        Assert.All(delayed, o => Assert.True(o.CompletedTicks >= stub.StallEnd, $"request {o.Index} answered before the stall ended"));
        var lateBy100Ms = outcomes.Count(o => (o.CompletedTicks - o.IntendedTicks) / frequency >= 0.1);
        Assert.True(lateBy100Ms >= (int)(Rate * 0.1) - 1, $"{lateBy100Ms} requests late by 100 ms or more");

        // The histogram holds those latencies from intended times: its percentiles match the sorted latencies computed here.
        var expected = outcomes.Select(o => (long)((o.CompletedTicks - o.IntendedTicks) * 1_000_000 / (long)frequency)).Order().ToArray();
        foreach (var p in new[] { 50.0, 90, 95, 99, 100 })
        {
            var exact = expected[Math.Max(1, (long)Math.Ceiling(p / 100 * expected.Length)) - 1];
            Assert.InRange(r.Latency.Percentile(p), exact, exact + (exact / LatencyHistogram.HalfBucket));
        }
    }
}
