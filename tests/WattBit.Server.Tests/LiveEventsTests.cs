using System.Net.Http.Json;
using System.Text.Json;

namespace WattBit.Server.Tests;

/// <summary>Server-sent events read by a real HTTP client, waiting on each event with a timeout.</summary>
[Collection(ServerCollection.Name)]
public sealed class LiveEventsTests(TestServer server)
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    internal sealed class EventStream(HttpResponseMessage response, StreamReader reader) : IAsyncDisposable
    {
        public static async Task<EventStream> OpenAsync(HttpClient client, string? lastEventId = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            var stream = new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
            var ready = await stream.NextAsync();
            Assert.Equal("ready", ready.Type);
            return stream;
        }

        /// <summary>The id of the last event read.</summary>
        public string? LastId { get; private set; }

        /// <summary>The next event (type and JSON data), or a timeout failure.</summary>
        public async Task<(string Type, JsonElement Data)> NextAsync()
        {
            using var cts = new CancellationTokenSource(Timeout);
            string? type = null;
            string? data = null;
            while (true)
            {
                var line = await reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("The event stream ended.");
                if (line.Length == 0 && data is not null)
                {
                    return (type ?? "message", JsonDocument.Parse(data).RootElement.Clone());
                }

                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line["event: ".Length..];
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    LastId = line["id: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            reader.Dispose();
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task NewCurtailmentOrder_ReachesTheAddressedOperator_AndItsAcknowledgementTheGridOperator_ButNoOtherOperator()
    {
        var alpha = server.Client("dc-alpha");
        var beta = server.Client("dc-beta");
        var tso = server.Client("tso-tk");
        await (await alpha.PutJsonAsync("/api/sites/ev-s1", new { area = "TK", itCapacityMw = 20.0 })).OkJsonAsync(201);

        await using var alphaEvents = await EventStream.OpenAsync(server.Client("dc-alpha"));
        await using var betaEvents = await EventStream.OpenAsync(server.Client("dc-beta"));
        await using var tsoEvents = await EventStream.OpenAsync(server.Client("tso-tk"));

        var order = await (await tso.PostAsJsonAsync("/api/areas/TK/curtailment-orders",
            new { @operator = "alpha", siteId = "ev-s1", reductionMw = 10.0, noticeMinutes = 60, expectedDurationMinutes = 120 })).OkJsonAsync(201);
        var id = order.GetProperty("id").GetString();

        // A replan after the site change may announce alpha's plan first (planning runs in the background).
        var received = await alphaEvents.NextAsync();
        while (received.Type == "plan")
        {
            received = await alphaEvents.NextAsync();
        }

        Assert.Equal("curtailment-order", received.Type);
        Assert.Equal(id, received.Data.GetProperty("id").GetString());
        Assert.Equal("issued", received.Data.GetProperty("state").GetString());
        Assert.Equal(10.0, received.Data.GetProperty("reductionMw").GetDouble());

        // The grid operator also gets the status of the dispatch order that answers it (dispatch-status, decision 0157).
        var atTso = await tsoEvents.NextAsync();
        while (atTso.Type == "dispatch-status")
        {
            atTso = await tsoEvents.NextAsync();
        }

        Assert.Equal(id, atTso.Data.GetProperty("id").GetString());

        await (await alpha.PostAsync($"/api/curtailment-orders/{id}/acknowledgement", null)).OkJsonAsync();
        var ack = await tsoEvents.NextAsync();
        while (ack.Type == "dispatch-status")
        {
            ack = await tsoEvents.NextAsync();
        }

        Assert.Equal("curtailment-order", ack.Type);
        Assert.Equal("acknowledged", ack.Data.GetProperty("state").GetString());

        // Beta's first event after "ready" is its own workload change: the order (published earlier) never reached it.
        await (await beta.PutJsonAsync("/api/sites/ev-b1", new { area = "KN", itCapacityMw = 1.0 })).OkJsonAsync(201);
        var first = await betaEvents.NextAsync();
        Assert.Equal("site", first.Type);
        Assert.Equal("ev-b1", first.Data.GetProperty("id").GetString());
    }

    [Fact]
    public async Task PublishedSignal_ReachesEverySubscriber()
    {
        await using var viewerEvents = await EventStream.OpenAsync(server.Client("viewer"));
        await (await server.Client("tso-kn").PutJsonAsync("/api/areas/KN/signals/curtailment",
            new { start = "2025-08-15T00:00:00Z", stepMinutes = 30, values = new[] { 12.5 } })).OkJsonAsync();
        var e = await viewerEvents.NextAsync();
        Assert.Equal("signal", e.Type);
        Assert.Equal("KN", e.Data.GetProperty("area").GetString());
        Assert.Equal("curtailment", e.Data.GetProperty("metric").GetString());
    }

    [Fact]
    public async Task Reconnecting_WithLastEventId_DeliversWhatWasMissed()
    {
        var alpha = server.Client("dc-alpha");
        var tso = server.Client("tso-tk");
        await (await alpha.PutJsonAsync("/api/sites/ev-s2", new { area = "TK", itCapacityMw = 20.0 })).OkJsonAsync(201);
        var order = new { @operator = "alpha", siteId = "ev-s2", reductionMw = 1.0, noticeMinutes = 30, expectedDurationMinutes = 60 };

        string lastId;
        await using (var events = await EventStream.OpenAsync(server.Client("dc-alpha")))
        {
            var first = await (await tso.PostAsJsonAsync("/api/areas/TK/curtailment-orders", order)).OkJsonAsync(201);
            (string Type, JsonElement Data) e;
            do
            {
                e = await events.NextAsync();
            }
            while (e.Type != "curtailment-order");

            Assert.Equal(first.GetProperty("id").GetString(), e.Data.GetProperty("id").GetString());
            lastId = events.LastId!;
        }

        // Disconnected: an order is issued meanwhile.
        var missed = await (await tso.PostAsJsonAsync("/api/areas/TK/curtailment-orders", order)).OkJsonAsync(201);
        await using var again = await EventStream.OpenAsync(server.Client("dc-alpha"), lastId);
        (string Type, JsonElement Data) next;
        do
        {
            next = await again.NextAsync();
        }
        while (next.Type != "curtailment-order");

        Assert.Equal(missed.GetProperty("id").GetString(), next.Data.GetProperty("id").GetString());
        await (await server.Client("dc-alpha").SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/events") { Headers = { { "Last-Event-ID", "x1" } } }))
            .ProblemAsync(400);
    }

    [Fact]
    public async Task Events_WithoutKey_Is401()
    {
        await (await server.Client().GetAsync("/api/events")).ProblemAsync(401);
    }
}
