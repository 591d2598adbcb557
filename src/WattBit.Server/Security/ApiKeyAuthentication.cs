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
    private readonly Dictionary<string, ApiKeyOptions> _byCertificate = new(StringComparer.Ordinal);

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

            if (k.Role == Roles.Aggregator && !IsValidOperatorId(k.Operator))
            {
                throw new InvalidOperationException($"WattBit:ApiKeys '{k.Id}': an aggregator key needs the aggregator's id in operator (letters, digits, '-', '_', at most 64).");
            }

            var hash = k.Sha256?.ToLowerInvariant() ?? (k.Key is { Length: >= 16 } key ? Hash(key)
                : k.CertificateName is { Length: > 0 } ? null
                : throw new InvalidOperationException($"WattBit:ApiKeys '{k.Id}': give sha256 (or a key of at least 16 characters), or a certificateName."));
            if (k.Role == Roles.GridOperator)
            {
                k.Area = JapanAreas.Get(k.Area!).Code;
            }

            k.Key = null;
            if (hash is not null)
            {
                _byHash[hash] = k;
            }

            if (k.CertificateName is { Length: > 0 } cn && !_byCertificate.TryAdd(cn, k))
            {
                throw new InvalidOperationException($"WattBit:ApiKeys '{k.Id}': certificateName '{cn}' is already the name of '{_byCertificate[cn].Id}'.");
            }
        }
    }

    public static bool IsValidOperatorId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The entry a client certificate with common name <paramref name="commonName"/> authenticates as, or null.</summary>
    public ApiKeyOptions? FindByCertificate(string commonName) => _byCertificate.GetValueOrDefault(commonName);

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

/// <summary>
/// Authenticates <c>X-Api-Key: ...</c> (or <c>Authorization: ApiKey ...</c>) against <see cref="ApiKeyTable"/>; without a
/// key, a TLS client certificate issued by the configured CA (<see cref="ClientCertificates"/>) whose common name is an
/// entry's <see cref="ApiKeyOptions.CertificateName"/> authenticates as that entry.
/// </summary>
internal sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyTable keys,
    ClientCertificates certificates)
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

        ApiKeyOptions? holder;
        if (!string.IsNullOrEmpty(key))
        {
            holder = keys.Find(key);
            if (holder is null)
            {
                return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
            }
        }
        else if (certificates.Enabled && Context.Connection.ClientCertificate is { } certificate)
        {
            if (certificates.Problem(certificate) is { } problem)
            {
                return Task.FromResult(AuthenticateResult.Fail($"The client certificate is not accepted: {problem}"));
            }

            holder = keys.FindByCertificate(certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false));
            if (holder is null)
            {
                return Task.FromResult(AuthenticateResult.Fail("The client certificate's name is not configured for any principal."));
            }
        }
        else
        {
            return Task.FromResult(AuthenticateResult.NoResult());
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
