using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WattBit.Areas;

namespace WattBit.Server.Security;

/// <summary>
/// The key table: SHA-256 of each key mapped to its holder. Keys are compared by hash with a fixed-time comparison;
/// the key itself is never kept after start-up nor logged.
/// </summary>
internal sealed class ApiKeyTable
{
    private readonly Dictionary<string, ApiKeyOptions> _byHash = new(StringComparer.Ordinal);

    public ApiKeyTable(IOptions<ServerOptions> options)
    {
        foreach (var k in options.Value.ApiKeys)
        {
            if (string.IsNullOrWhiteSpace(k.Id))
            {
                throw new InvalidOperationException("WattBit:ApiKeys: every key needs an id.");
            }

            if (k.Id.StartsWith(BearerTokens.Namespace, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"WattBit:ApiKeys '{k.Id}': ids starting with '{BearerTokens.Namespace}' are reserved for bearer-token holders.");
            }

            if (Array.IndexOf(Roles.All, k.Role) < 0)
            {
                throw new InvalidOperationException($"WattBit:ApiKeys '{k.Id}': role '{k.Role}' is not one of {string.Join(", ", Roles.All)}.");
            }

            if (k.Role == Roles.GridOperator && !JapanAreas.TryFind(k.Area, out _))
            {
                throw new InvalidOperationException($"WattBit:ApiKeys '{k.Id}': a grid-operator key needs an area (one of the ten area codes).");
            }

            if (k.Role == Roles.DcOperator && !IsValidOperatorId(k.Operator))
            {
                throw new InvalidOperationException($"WattBit:ApiKeys '{k.Id}': a dc-operator key needs an operator id (letters, digits, '-', '_', at most 64).");
            }

            var hash = k.Sha256?.ToLowerInvariant() ?? (k.Key is { Length: >= 16 } key ? Hash(key)
                : throw new InvalidOperationException($"WattBit:ApiKeys '{k.Id}': give sha256 (or a key of at least 16 characters)."));
            if (k.Role == Roles.GridOperator)
            {
                k.Area = JapanAreas.Get(k.Area!).Code;
            }

            k.Key = null;
            _byHash[hash] = k;
        }
    }

    public static bool IsValidOperatorId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public ApiKeyOptions? Find(string key)
    {
        var hash = Hash(key);
        foreach (var (h, holder) in _byHash)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(h), Encoding.ASCII.GetBytes(hash)))
            {
                return holder;
            }
        }

        return null;
    }
}

/// <summary>Authenticates <c>X-Api-Key: ...</c> (or <c>Authorization: ApiKey ...</c>) against <see cref="ApiKeyTable"/>.</summary>
internal sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyTable keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers[Header];
        if (key is null && Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase))
        {
            key = auth["ApiKey ".Length..].Trim();
        }

        if (string.IsNullOrEmpty(key))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(key) is not { } holder)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, holder.Id), new(ClaimTypes.Role, holder.Role) };
        if (holder.Area is { } area)
        {
            claims.Add(new Claim(Roles.AreaClaim, area));
        }

        if (holder.Operator is { } op)
        {
            claims.Add(new Claim(Roles.OperatorClaim, op));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
