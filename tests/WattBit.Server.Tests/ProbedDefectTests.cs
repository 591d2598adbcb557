using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WattBit.Server.Infrastructure;

namespace WattBit.Server.Tests;

/// <summary>
/// The defects found when the server was probed as an attacker and an operator would (issue 21): each test failed
/// before its fix.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ProbedDefectTests(TestServer server)
{
    [Theory]
    [InlineData("/api/areas/TK/nodes/pd-far/headroom", "9999-12-31T23:59:59Z", 1)]
    [InlineData("/api/areas/TK/signals/carbon", "9999-12-31T23:30:00Z", 30)]
    [InlineData("/api/areas/TK/nodes/pd-far/headroom", "2101-01-01T00:00:00Z", 30)]
    [InlineData("/api/areas/TK/nodes/pd-far/headroom", "1999-12-31T23:00:00Z", 30)]
    [InlineData("/api/areas/TK/nodes/pd-far/headroom", "2100-12-31T23:00:00Z", 30)]
    public async Task SeriesOutsideYears2000To2100_AreRefused_AndNothingIsStored(string url, string start, int step)
    {
        var tso = server.Client("tso-tk");
        var problem = await (await tso.PutJsonAsync(url, new { start, stepMinutes = step, values = new[] { 5.0, 6.0, 7.0 } })).ProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("start", out _) || problem.GetProperty("errors").TryGetProperty("values", out _), problem.ToString());
        if (url.Contains("headroom", StringComparison.Ordinal))
        {
            await (await server.Client().GetAsync(url)).ProblemAsync(404);
        }
    }

    [Fact]
    public async Task PointsPastYear9999AlreadyInTheStore_DoNotStopTheServerFromStarting()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-far-").FullName;
        try
        {
            await using (var store = await Data.Storage.WattBitStore.OpenAsync(Path.Combine(folder, "wattbit.db")))
            {
                // Refused by the store itself too: nothing of the batch is written.
                await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertSeriesAsync(
                [
                    new Data.Storage.SeriesWrite(new Data.Storage.SeriesKey("TK:ok", "headroom", "published"), Time.TimeSeries.Wrap(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30), [1.0], Time.SeriesUnit.Megawatts)),
                    new Data.Storage.SeriesWrite(new Data.Storage.SeriesKey("TK:far", "headroom", "published"), Time.TimeSeries.Wrap(new DateTimeOffset(9999, 12, 31, 23, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30), [1.0, 2.0], Time.SeriesUnit.Megawatts)),
                ]));
                Assert.Empty(await store.ListSeriesAsync());
            }

            // A store written by an older version that let such points in.
            await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "wattbit.db")}"))
            {
                await c.OpenAsync();
                await using var cmd = c.CreateCommand();
                cmd.CommandText = """
                    INSERT INTO series (location, metric, source, unit_symbol, unit_aggregation, step_seconds) VALUES ('TK:far', 'headroom', 'published', 'MW', 0, 1);
                    INSERT INTO points (series_id, ts, value) SELECT id, 253402300799, 5 FROM series WHERE location = 'TK:far';
                    """;
                await cmd.ExecuteNonQueryAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await WithServerAsync(folder, async restarted => await (await restarted.Client().GetAsync("/health")).OkJsonAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("/api/areas/TK/nodes/pd-neg/headroom", 30)]
    [InlineData("/api/areas/TK/signals/carbon", 30)]
    public async Task NegativeHeadroomAndCarbon_AreRefused(string url, int step)
    {
        var problem = await (await server.Client("tso-tk").PutJsonAsync(url, new { start = "2025-06-01T00:00:00Z", stepMinutes = step, values = new[] { 5.0, -1.0 } }))
            .ProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("values[1]", out _), problem.ToString());
    }

    [Fact]
    public async Task TornJournalTail_IsCutOff_EveryCompleteRecordKept_AndTheDroppedBytesSaved()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-journal-").FullName;
        try
        {
            var path = Path.Combine(folder, "j.jsonl");
            await File.WriteAllTextAsync(path, "{\"id\":\"a\"}\n{\"id\":\"b\"}{\"id\":\"c\"}\n{\"id\":\"d\"}{\"id\":\"e");
            var seen = new List<string>();
            using (var journal = new JsonLinesJournal<Rec>(path, r => seen.Add(r.Id)))
            {
                Assert.Equal(["a", "b", "c", "d"], seen);
                Assert.NotNull(journal.Recovery);
                Assert.Equal("{\"id\":\"e", await File.ReadAllTextAsync(path + ".torn"));
                journal.Append(new Rec("f"));
            }

            seen.Clear();
            using (var journal = new JsonLinesJournal<Rec>(path, r => seen.Add(r.Id)))
            {
                Assert.Equal(["a", "b", "c", "d", "f"], seen);
                Assert.Null(journal.Recovery);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task LastRecordWithoutItsNewline_IsKept_AndTheNextAppendStartsOnANewLine()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-journal-").FullName;
        try
        {
            var path = Path.Combine(folder, "j.jsonl");
            await File.WriteAllTextAsync(path, "{\"id\":\"a\"}");
            var seen = new List<string>();
            using (var journal = new JsonLinesJournal<Rec>(path, r => seen.Add(r.Id)))
            {
                journal.Append(new Rec("b"));
            }

            Assert.Equal(["{\"id\":\"a\"}", "{\"id\":\"b\"}"], (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ServerWithATornOrderJournal_Starts_AndKeepsTheCompleteOrders()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-torn-").FullName;
        try
        {
            var journal = "";
            await WithServerAsync(folder, async first =>
            {
                await (await first.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/maintenance",
                    new { node = "pd-n1", start = "2025-12-01T00:00:00Z", end = "2025-12-02T00:00:00Z", limitMw = 10.0 })).OkJsonAsync(201);
                journal = first.JournalPath;
            });
            await File.AppendAllTextAsync(journal, "{\"kind\":\"maint");
            await WithServerAsync(folder, async second =>
            {
                var maintenance = await (await second.Client("viewer").GetAsync("/api/areas/TK/maintenance")).OkJsonAsync();
                Assert.Contains(maintenance.EnumerateArray(), m => m.GetProperty("node").GetString() == "pd-n1");
                Assert.Contains(second.Log.Lines, l => l.Contains("Journal recovered", StringComparison.Ordinal));
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task BearerTokenWhoseSubIsAnApiKeyId_IsAnotherPrincipal()
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://idp.test",
            Audience = "wattbit",
            Claims = new Dictionary<string, object> { ["sub"] = "tso-tk", ["role"] = "grid-operator", ["area"] = "TK" },
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(TestServer.JwtSigningKey), SecurityAlgorithms.HmacSha256),
        });
        var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await (await client.GetAsync("/api/me")).OkJsonAsync();
        Assert.NotEqual("tso-tk", me.GetProperty("id").GetString());
        Assert.Equal("jwt:tso-tk", me.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("PUT", "/api/areas/TK/signals/carbon", "tso-tk", "{\"start\":\"2025-06-01T00:00:00\",\"stepMinutes\":30,\"values\":[1]}", "$.start")]
    [InlineData("PUT", "/api/areas/TK/signals/carbon", "tso-tk", "{\"start\":\"2025-06-01\",\"stepMinutes\":30,\"values\":[1]}", "$.start")]
    [InlineData("POST", "/api/areas/TK/maintenance", "tso-tk", "{\"node\":\"n\",\"start\":\"2025-12-01T00:00:00Z\",\"end\":\"2025-12-02T00:00:00\",\"limitMw\":1}", "$.end")]
    public async Task BodyTimestampsWithoutAnOffset_Are400NamingTheField(string method, string url, string key, string body, string field)
    {
        var response = await server.Client(key).SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        });
        var problem = await response.ProblemAsync(400);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(field, detail, StringComparison.Ordinal);
        Assert.Contains("offset", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/areas/TK/signals/carbon?from=2025-06-01T00:00:00&to=2025-06-02T00:00:00Z", "from")]
    [InlineData("/api/areas/TK/signals/carbon?from=2025-06-01&to=2025-06-02T00:00:00Z", "from")]
    public async Task QueryTimestampsWithoutAnOffset_Are400NamingTheField(string url, string field)
    {
        var problem = await (await server.Client().GetAsync(url)).ProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("POST", "/api/workloads", "dc-alpha",
        "{\"id\":null,\"release\":\"2025-11-12T00:00:00Z\",\"deadline\":\"2025-11-13T00:00:00Z\",\"durationMinutes\":60,\"powerKw\":100}")]
    [InlineData("POST", "/api/workloads", "dc-alpha",
        "{\"id\":\"pd-w\",\"release\":\"2025-11-12T00:00:00Z\",\"deadline\":\"2025-11-13T00:00:00Z\",\"durationMinutes\":60,\"powerKw\":100,\"sites\":[null]}")]
    [InlineData("PUT", "/api/areas/TK/signals/carbon", "tso-tk", "{\"start\":\"2025-06-01T00:00:00Z\",\"stepMinutes\":30,\"values\":null}")]
    [InlineData("PUT", "/api/areas/TK/nodes/pd-null/headroom", "tso-tk", "{\"start\":\"2025-06-01T00:00:00Z\",\"stepMinutes\":30,\"values\":null}")]
    [InlineData("POST", "/api/areas/TK/curtailment-orders", "tso-tk",
        "{\"operator\":\"alpha\",\"siteId\":null,\"reductionMw\":1,\"noticeMinutes\":0,\"expectedDurationMinutes\":60}")]
    [InlineData("POST", "/api/areas/TK/maintenance", "tso-tk", "{\"node\":null,\"start\":\"2025-12-01T00:00:00Z\",\"end\":\"2025-12-02T00:00:00Z\",\"limitMw\":1}")]
    public async Task ExplicitNullInARequiredField_Is400(string method, string url, string key, string body)
    {
        var response = await server.Client(key).SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        });
        await response.ProblemAsync(400);
    }

    [Theory]
    [InlineData("/api/areas/TK/forecasts/carbon?hours=abc")]
    [InlineData("/api/areas/TK/signals/carbon?from=yesterday")]
    public async Task BadRequestTexts_NameTheParameter_WithoutInternals(string url)
    {
        var problem = await (await server.Client().GetAsync(url)).ProblemAsync(400);
        var text = problem.ToString();
        Assert.DoesNotContain("Failed to bind", text, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DateTimeOffset", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Int32", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentErrorTexts_LoseDotNetsParameterTail()
    {
        Assert.Equal("expected version must be at least 0.",
            ProblemExceptionHandler.Plain(new ArgumentOutOfRangeException("expectedVersion", -1, "expected version must be at least 0.")));
        Assert.Equal("bad thing.", ProblemExceptionHandler.Plain(new ArgumentException("bad thing.", "expectedVersion")));
    }

    private static async Task WithServerAsync(string folder, Func<TestServer, Task> body)
    {
        var server = new TestServer([], folder);
        await server.InitializeAsync();
        try
        {
            await body(server);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private sealed record Rec(string Id);
}
