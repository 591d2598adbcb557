using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace WattBit.Server.Security;

/// <summary>
/// Mutual TLS between operators' systems and the server (section <c>WattBit:ClientCertificates</c>): client certificates
/// issued by the configured CA authenticate as the <see cref="ApiKeyOptions"/> entry whose
/// <see cref="ApiKeyOptions.CertificateName"/> is the certificate's common name.
/// </summary>
internal sealed class ClientCertificateOptions
{
    /// <summary>PEM file of the CA certificate(s) that issue operators' client certificates (the only roots trusted for them).</summary>
    public string? TrustedCa { get; set; }

    /// <summary>Check revocation (CRL/OCSP, online) of client certificates; default false (a private CA often publishes none).</summary>
    public bool CheckRevocation { get; set; }
}

/// <summary>
/// Checks client certificates against the configured CA only (never the machine's roots): a chain to one of its
/// certificates, valid at the server's time, with the client-authentication usage when the certificate names usages.
/// Thread-safe.
/// </summary>
internal sealed class ClientCertificates
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    private readonly X509Certificate2Collection? _roots;
    private readonly bool _revocation;
    private readonly TimeProvider _time;

    /// <exception cref="InvalidOperationException">The CA file is missing or holds no certificate (the message names it).</exception>
    public ClientCertificates(IOptions<ServerOptions> options, TimeProvider time)
    {
        _time = time;
        var o = options.Value.ClientCertificates;
        if (o?.TrustedCa is not { Length: > 0 } path)
        {
            return;
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"WattBit:ClientCertificates:TrustedCa: {path} does not exist.");
        }

        _roots = [];
        try
        {
            _roots.ImportFromPemFile(path);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"WattBit:ClientCertificates:TrustedCa: {path}: {ex.Message}", ex);
        }

        if (_roots.Count == 0)
        {
            throw new InvalidOperationException($"WattBit:ClientCertificates:TrustedCa: {path} holds no PEM certificate.");
        }

        _revocation = o.CheckRevocation;
    }

    /// <summary>Whether mutual TLS is configured.</summary>
    public bool Enabled => _roots is not null;

    /// <summary>Null when <paramref name="certificate"/> chains to the configured CA and may authenticate a client; otherwise why not.</summary>
    public string? Problem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (_roots is null)
        {
            return "client certificates are not configured";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = _revocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (chain.Build(certificate))
        {
            return null;
        }

        return string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
    }
}
