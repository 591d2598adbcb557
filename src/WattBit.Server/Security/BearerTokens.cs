using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using WattBit.Areas;

namespace WattBit.Server.Security;

/// <summary>
/// JWT bearer tokens as a second way in, for deployments with an identity provider. Tokens are HMAC-SHA256 signed with
/// <c>WattBit:Jwt:SigningKey</c>, issued by <c>Issuer</c> for <c>Audience</c>, and carry <c>sub</c> (the holder's id,
/// <c>jwt:</c> + sub in the audit log, so it never collides with an API key's id), <c>role</c> and, as the role needs, <c>area</c> or <c>operator</c> — the same scopes as
/// API keys. A token with an unknown role or a missing or malformed scope is refused (401).
/// </summary>
internal static class BearerTokens
{
    public const string SelectorScheme = "ApiKeyOrBearer";

    public static AuthenticationBuilder AddWattBitAuthentication(this IServiceCollection services, JwtOptions? jwt)
    {
        var auth = services.AddAuthentication(SelectorScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null)
            .AddPolicyScheme(SelectorScheme, "API key or bearer token", o => o.ForwardDefaultSelector = ctx =>
                jwt is not null && ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyHandler.SchemeName);
        if (jwt is null)
        {
            return auth;
        }

        var key = Convert.FromBase64String(jwt.SigningKey);
        if (key.Length < 32)
        {
            throw new InvalidOperationException("WattBit:Jwt:SigningKey must be base64 of at least 32 bytes.");
        }

        return auth.AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = jwt.Issuer,
                ValidAudience = jwt.Audience,
                IssuerSigningKey = new SymmetricSecurityKey(key),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                NameClaimType = "sub",
                RoleClaimType = "role",
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            o.Events = new JwtBearerEvents { OnTokenValidated = ctx => Normalise(ctx) };
        });
    }

    /// <summary>The prefix of every bearer-token principal's id; API key ids may not start with it.</summary>
    public const string Namespace = "jwt:";

    /// <summary>The principal id of a token's <c>sub</c>: <c>jwt:</c> + sub (API-key principals are the key ids).</summary>
    public static string PrincipalId(string sub) => Namespace + sub;

    /// <summary>Checks the token's role and scope and adds the claims the rest of the server reads.</summary>
    private static Task Normalise(TokenValidatedContext ctx)
    {
        var user = ctx.Principal!;
        var sub = user.FindFirstValue("sub");
        var role = user.FindFirstValue("role");
        var area = user.FindFirstValue("area");
        var op = user.FindFirstValue("operator");
        string? problem = sub is not { Length: > 0 and <= 64 } ? "sub is missing"
            : Array.IndexOf(Roles.All, role) < 0 ? "role is not one of " + string.Join(", ", Roles.All)
            : role == Roles.GridOperator && !JapanAreas.TryFind(area, out _) ? "a grid-operator token needs an area"
            : role == Roles.DcOperator && !ApiKeyTable.IsValidOperatorId(op) ? "a dc-operator token needs an operator id"
            : role == Roles.Aggregator && !ApiKeyTable.IsValidOperatorId(op) ? "an aggregator token needs its id as operator"
            : null;
        if (problem is not null)
        {
            ctx.Fail($"Token refused: {problem}.");
            return Task.CompletedTask;
        }

        // A token's holder is named in the issuer's namespace, never in the API keys' one: a token whose sub equals a
        // key id must not read that key's jobs, act in its name in the audit log or spend its rate limit.
        var claims = new List<Claim> { new(ClaimTypes.Name, PrincipalId(sub!)), new(ClaimTypes.Role, role!) };
        if (role == Roles.GridOperator)
        {
            claims.Add(new Claim(Roles.AreaClaim, JapanAreas.Get(area!).Code));
        }

        if (role is Roles.DcOperator or Roles.Aggregator)
        {
            claims.Add(new Claim(Roles.OperatorClaim, op!));
        }

        ctx.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, JwtBearerDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role));
        return Task.CompletedTask;
    }
}

/// <summary>Settings of bearer tokens (<c>WattBit:Jwt</c>); absent = bearer tokens are not accepted.</summary>
internal sealed class JwtOptions
{
    /// <summary>The expected <c>iss</c>.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The expected <c>aud</c>.</summary>
    public string Audience { get; set; } = "";

    /// <summary>Base64 of the HMAC-SHA256 key (at least 32 bytes).</summary>
    public string SigningKey { get; set; } = "";
}
