using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WattBit.Server.Tests;

/// <summary>JWT bearer tokens carry the same roles and scopes as API keys; anything off is 401.</summary>
[Collection(ServerCollection.Name)]
public sealed class BearerTokenTests(TestServer server)
{
    private static string Token(Dictionary<string, object> claims, string issuer = "https://idp.test", string audience = "wattbit", byte[]? key = null,
        TimeSpan? expiresIn = null)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.AddHours(-2),
            NotBefore = now.AddHours(-2),
            Expires = now + (expiresIn ?? TimeSpan.FromMinutes(10)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? TestServer.JwtSigningKey), SecurityAlgorithms.HmacSha256),
        });
    }

    private HttpClient Client(string token)
    {
        var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Dictionary<string, object> Claims(string sub, string role, string? area = null, string? op = null)
    {
        var c = new Dictionary<string, object> { ["sub"] = sub, ["role"] = role };
        if (area is not null)
        {
            c["area"] = area;
        }

        if (op is not null)
        {
            c["operator"] = op;
        }

        return c;
    }

    [Fact]
    public async Task DcOperatorToken_ActsAsThatOperator()
    {
        await (await server.Client("dc-alpha").PutJsonAsync("/api/sites/jwt-s1", new { area = "TK", itCapacityMw = 2.0 })).OkJsonAsync(201);
        var client = Client(Token(Claims("alpha-sso-user", "dc-operator", op: "alpha")));
        var me = await (await client.GetAsync("/api/me")).OkJsonAsync();
        Assert.Equal("jwt:alpha-sso-user", me.GetProperty("id").GetString());
        Assert.Equal("alpha", me.GetProperty("operator").GetString());
        await (await client.GetAsync("/api/sites/jwt-s1")).OkJsonAsync();
        await (await Client(Token(Claims("beta-sso-user", "dc-operator", op: "beta"))).GetAsync("/api/sites/jwt-s1")).ProblemAsync(404);
    }

    [Fact]
    public async Task GridOperatorToken_IsScopedToItsArea()
    {
        var client = Client(Token(Claims("tepco-sso", "grid-operator", area: "Tokyo")));
        var me = await (await client.GetAsync("/api/me")).OkJsonAsync();
        Assert.Equal("TK", me.GetProperty("area").GetString());
        await (await client.GetAsync("/api/areas/TK/sites")).OkJsonAsync();
        await (await client.GetAsync("/api/areas/KN/sites")).ProblemAsync(403);
    }

    public static TheoryData<string> BadTokens()
    {
        var other = Enumerable.Repeat((byte)9, 32).ToArray();
        return new TheoryData<string>
        {
            Token(Claims("u", "dc-operator", op: "alpha"), key: other),
            Token(Claims("u", "dc-operator", op: "alpha"), expiresIn: TimeSpan.FromHours(-1)),
            Token(Claims("u", "dc-operator", op: "alpha"), audience: "someone-else"),
            Token(Claims("u", "dc-operator", op: "alpha"), issuer: "https://evil.test"),
            Token(Claims("u", "admin")),
            Token(Claims("u", "grid-operator")),
            Token(Claims("u", "dc-operator", op: "../beta")),
            Token(new Dictionary<string, object> { ["role"] = "viewer" }),
            "not-a-token",
        };
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadTokens_Are401(string token)
    {
        await (await Client(token).GetAsync("/api/me")).ProblemAsync(401);
    }
}
