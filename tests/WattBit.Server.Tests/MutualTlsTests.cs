using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace WattBit.Server.Tests;

/// <summary>
/// A server on HTTPS with a configured certificate (Kestrel settings) that accepts client certificates of a CA generated
/// here, each mapped by its common name to an operator principal.
/// </summary>
public sealed class MutualTlsServer : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wattbit-mtls-").FullName;

    public TestServer Server { get; private set; } = null!;

    /// <summary>Issued by the trusted CA, common name alpha-ops (configured as dc-operator alpha).</summary>
    public X509Certificate2 AlphaClient { get; private set; } = null!;

    /// <summary>Common name alpha-ops too, but issued by another CA.</summary>
    public X509Certificate2 RogueClient { get; private set; } = null!;

    /// <summary>Issued by the trusted CA, common name nobody (no principal has it).</summary>
    public X509Certificate2 UnknownClient { get; private set; } = null!;

    public X509Certificate2 ServerCertificate { get; private set; } = null!;

    private static DateTimeOffset From => TestServer.Now.AddDays(-1);

    private static DateTimeOffset To => TestServer.Now.AddDays(365);

    private static X509Certificate2 Ca(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return req.CreateSelfSigned(From, To);
    }

    private static X509Certificate2 Client(X509Certificate2 ca, string name, int serial)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = req.Create(ca, From, To, [(byte)serial, 1, 2, 3]);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public async Task InitializeAsync()
    {
        using var trusted = Ca("WattBit test operators CA");
        using var rogue = Ca("Someone else's CA");
        AlphaClient = Client(trusted, "alpha-ops", 1);
        UnknownClient = Client(trusted, "nobody", 2);
        RogueClient = Client(rogue, "alpha-ops", 3);
        var ca = Path.Combine(_folder, "operators-ca.pem");
        await File.WriteAllTextAsync(ca, trusted.ExportCertificatePem());

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=wattbit.test", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        using var serverCert = req.CreateSelfSigned(From, To);
        var pfx = Path.Combine(_folder, "server.pfx");
        await File.WriteAllBytesAsync(pfx, serverCert.Export(X509ContentType.Pkcs12, "test-password"));
        ServerCertificate = X509CertificateLoader.LoadCertificate(serverCert.RawData);

        Server = new TestServer(new Dictionary<string, string>
        {
            ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Endpoints:Https:Certificate:Path"] = pfx,
            ["Kestrel:Endpoints:Https:Certificate:Password"] = "test-password",
            ["WattBit:ClientCertificates:TrustedCa"] = ca,
            ["WattBit:ApiKeys:7:Id"] = "alpha-mtls",
            ["WattBit:ApiKeys:7:Role"] = "dc-operator",
            ["WattBit:ApiKeys:7:Operator"] = "alpha",
            ["WattBit:ApiKeys:7:CertificateName"] = "alpha-ops",
        });
        await Server.InitializeAsync();
    }

    /// <summary>A client that trusts only the server's certificate and presents <paramref name="certificate"/> (or none).</summary>
    public HttpClient Client(X509Certificate2? certificate, string? keyId = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == ServerCertificate.GetCertHashString(),
                ClientCertificates = certificate is null ? null : [certificate],
            },
        };
        var client = new HttpClient(handler) { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (keyId is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", TestServer.KeyOf(keyId));
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        foreach (var c in new[] { AlphaClient, RogueClient, UnknownClient, ServerCertificate })
        {
            c?.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>HTTPS with a configured certificate, and client certificates of the operators' CA mapped to operator principals.</summary>
public sealed class MutualTlsTests(MutualTlsServer fixture) : IClassFixture<MutualTlsServer>
{
    [Fact]
    public async Task TheServer_AnswersOnHttpsWithTheConfiguredCertificate()
    {
        Assert.Equal("https", fixture.Server.BaseAddress.Scheme);
        using var client = fixture.Client(null);
        var health = await (await client.GetAsync("/health")).OkJsonAsync();
        Assert.Equal("ok", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AClientCertificateOfTheOperatorsCa_IsTheOperatorPrincipalItNames()
    {
        using var client = fixture.Client(fixture.AlphaClient);
        var me = await (await client.GetAsync("/api/me")).OkJsonAsync();
        Assert.Equal(("alpha-mtls", "dc-operator", "alpha"), (me.GetProperty("id").GetString(), me.GetProperty("role").GetString(), me.GetProperty("operator").GetString()));
        await (await client.PutJsonAsync("/api/sites/mtls-1", new { area = "TK", itCapacityMw = 5.0 })).OkJsonAsync(201);
        var sites = await (await fixture.Client(null, "dc-alpha").GetAsync("/api/sites")).OkJsonAsync();
        Assert.Contains(sites.EnumerateArray(), s => s.GetProperty("id").GetString() == "mtls-1");
    }

    [Fact]
    public async Task ACertificateOfAnotherCa_OrWithAnUnknownName_OrNone_IsNotAPrincipal()
    {
        foreach (var certificate in new[] { fixture.RogueClient, fixture.UnknownClient, null })
        {
            using var client = fixture.Client(certificate);
            var problem = await (await client.GetAsync("/api/me")).ProblemAsync(401);
            Assert.Equal(JsonValueKind.Object, problem.ValueKind);
        }

        // Keys still work over HTTPS.
        using var keyed = fixture.Client(null, "dc-beta");
        Assert.Equal("dc-beta", (await (await keyed.GetAsync("/api/me")).OkJsonAsync()).GetProperty("id").GetString());
    }
}
