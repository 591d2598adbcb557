using System.Net;
using System.Text;

namespace WattBit.Server.Tests;

/// <summary>
/// Table-driven fuzz: malformed bodies and parameters to every endpoint, with the key that may call it. Never a 500
/// (always a 4xx ProblemDetails), and nothing is written.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class MalformedInputTests(TestServer server)
{
    private static readonly string[] Bodies =
    [
        "", "{", "}", "[", "null", "0", "\"text\"", "[]", "{}", "[{}]", "[null]", "{\"a\":1}", "[1,2,3]",
        "{\"start\":\"not-a-date\",\"stepMinutes\":30,\"values\":[1]}",
        "{\"start\":\"2025-09-01T00:00:00Z\",\"stepMinutes\":\"30\",\"values\":[1]}",
        "{\"start\":\"2025-09-01T00:00:00Z\",\"stepMinutes\":30,\"values\":[\"NaN\"]}",
        "{\"start\":\"2025-09-01T00:00:00Z\",\"stepMinutes\":30,\"values\":[1e999]}",
        "{\"area\":\"TK\",\"itCapacityMw\":-1}", "{\"area\":\"ZZ\",\"itCapacityMw\":1}", "{\"area\":\"TK\",\"itCapacityMw\":1,\"pue\":0.2}",
        "{\"id\":\"\",\"release\":\"2025-01-01T00:00:00Z\",\"deadline\":\"2024-01-01T00:00:00Z\",\"durationMinutes\":0,\"powerKw\":-3}",
        "{\"operator\":\"../x\",\"siteId\":\"a b\",\"reductionMw\":-1,\"noticeMinutes\":-1,\"expectedDurationMinutes\":0}",
        "{\"node\":\"\",\"start\":\"2025-01-02T00:00:00Z\",\"end\":\"2025-01-01T00:00:00Z\",\"limitMw\":-5}",
        "[{\"location\":\"TK\",\"startTime\":\"2025-01-02T00:00:00Z\",\"endTime\":\"2025-01-01T00:00:00Z\"}]",
        "[{\"location\":\"TK\",\"requestedAt\":\"2025-11-01T00:00:00Z\",\"windowSize\":-5}]",
        new string('[', 200) + new string(']', 200),
        "{\"values\":[" + string.Join(',', Enumerable.Repeat("1", 3000)) + "]}",
        "\u0000\u0001\u0002", "{\"area\":\"東京\",\"itCapacityMw\":1e308}",
        "{\"area\":\"TK\",\"itCapacityMw\":1,\"grid\":{\"kind\":\"nope\"}}", "{\"area\":\"TK\",\"itCapacityMw\":1,\"grid\":{\"limitMw\":3}}",
        "{\"area\":\"TK\",\"itCapacityMw\":1,\"grid\":{\"kind\":\"provisionalProfile\",\"profileMw\":[1e999]}}",
        "{\"area\":\"TK\",\"itCapacityMw\":1,\"grid\":{\"kind\":\"firm\",\"limitMw\":\"5\"}}",
    ];

    private static readonly (string Method, string Path, string Key)[] BodyEndpoints =
    [
        ("POST", "/emissions/forecasts/batch", "viewer"),
        ("POST", "/emissions/average-carbon-intensity/batch", "viewer"),
        ("PUT", "/api/areas/TK/signals/carbon", "tso-tk"),
        ("PUT", "/api/areas/TK/nodes/fz-node/headroom", "tso-tk"),
        ("PUT", "/api/sites/fz-site", "dc-alpha"),
        ("POST", "/api/workloads", "dc-alpha"),
        ("POST", "/api/areas/TK/curtailment-orders", "tso-tk"),
        ("POST", "/api/areas/TK/maintenance", "tso-tk"),
        ("POST", "/api/siting/rankings", "planner"),
        ("POST", "/api/simulations", "planner"),
    ];

    private static readonly string[] BadQueries =
    [
        "/emissions/bylocation?location=TK&time=2025-13-45", "/emissions/bylocation?location=TK&durationMinutes=abc",
        "/emissions/bylocations?location=&location=TK", "/emissions/bylocations/best?location=TK&time=2025-10-01T00:00:00Z&toTime=2099-10-01T00:00:00Z",
        "/emissions/forecasts/current?location=TK&windowSize=99999999999", "/emissions/forecasts/current?location=TK&dataEndAt=1999-01-01T00:00:00Z",
        "/emissions/average-carbon-intensity?location=TK&startTime=1800-01-01T00:00:00Z&endTime=1800-01-02T00:00:00Z",
        "/emissions/average-carbon-intensity?location=%00&startTime=x&endTime=y",
        "/api/areas/TK/signals/carbon?from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z", "/api/areas/TK/signals/carbon?from=abc",
        "/api/areas/TK/signals/carbon/current?x=1&area=KN", "/api/areas/%E6%9D%B1%E4%BA%AC%E4%BA%AC/signals/price",
        "/api/areas/TK/forecasts/carbon?hours=-1", "/api/areas/TK/nodes/a%20b/headroom", "/api/areas/TK/nodes/fz-none/provisional-profile?from=x",
        "/api/sites/" + new string('a', 300), "/api/workloads/%2e%2e", "/api/curtailment-orders/%00",
        "/api/siting/rankings/sj-0/report?format=pdf", "/api/audit?limit=abc", "/api/plan?when=now",
        "/api/sites/fz-site/power?from=abc", "/api/sites/fz-site/power?to=0001-01-01T00:00:00Z", "/api/sites/fz-site/power?operator=%00",
        "/api/sites/%2e%2e/power", "/api/sites/fz-site/power?step=5",
        "/api/simulations?state=done", "/api/simulations/sim-0/report/x.csv", "/api/simulations/%2e%2e/report", "/api/simulation/scenarios?dir=/etc",
        "/api/dispatch-orders?state=issued", "/api/dispatch-orders/%00", "/api/dispatch-orders/" + new string('d', 300),
    ];

    [Fact]
    public async Task MalformedBodies_OnEveryBodyEndpoint_Are4xxProblems_AndWriteNothing()
    {
        var failures = new List<string>();
        foreach (var (method, path, key) in BodyEndpoints)
        {
            var client = server.Client(key);
            foreach (var body in Bodies)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                if (status is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{method} {path} <- {body[..Math.Min(60, body.Length)]}: {status} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Nothing landed: no site, no workload, no headroom, no order, no maintenance from any of those requests.
        await (await server.Client("dc-alpha").GetAsync("/api/sites/fz-site")).ProblemAsync(404);
        await (await server.Client().GetAsync("/api/areas/TK/nodes/fz-node/headroom")).ProblemAsync(404);
        var carbon = await (await server.Client().GetAsync("/api/areas/TK/signals/carbon?from=2025-09-01T00:00:00Z&to=2025-09-01T00:30:00Z")).OkJsonAsync();
        Assert.NotEqual(1, carbon.GetProperty("values")[0].GetDouble());
    }

    [Fact]
    public async Task MalformedParameters_Are4xxProblems()
    {
        var failures = new List<string>();
        foreach (var url in BadQueries)
        {
            foreach (var key in (string?[])[null, "dc-alpha"])
            {
                using var response = await server.Client(key).GetAsync(url);
                var status = (int)response.StatusCode;
                if (status is < 400 or >= 500)
                {
                    failures.Add($"{url} ({key ?? "anonymous"}): {status} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task WrongContentType_Is415Problem()
    {
        var response = await server.Client("dc-alpha").PutAsync("/api/sites/fz-ct", new StringContent("area=TK", Encoding.UTF8, "text/plain"));
        Assert.True(response.StatusCode is HttpStatusCode.UnsupportedMediaType or HttpStatusCode.BadRequest, response.StatusCode.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
