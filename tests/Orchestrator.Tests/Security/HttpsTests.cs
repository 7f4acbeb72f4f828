using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Security;

/// <summary>A real orchestrator on HTTPS with the certificate `certs init` issued from the P4Flow CA.</summary>
public sealed class HttpsTests
{
    [Fact]
    public async Task Https_CertificateChainsToTheCa_HstsForAYear_RevocationListServed()
    {
        var home = OrchestratorProcess.CreateHome();
        await CertsInitAsync(home);
        var httpsPort = Loopback.FreePort();
        await using var orchestrator = OrchestratorProcess.Start(home, environment: new Dictionary<string, string>
        {
            ["P4FLOW_server__https_port"] = httpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await orchestrator.WaitReadyAsync();

        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(home, "certs", "ca.crt"));
        X509Certificate2? presented = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                presented = new X509Certificate2(certificate!);
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate!);
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{httpsPort}") };
        https.DefaultRequestHeaders.Add(ApiKeys.Header, ApiKeys.Admin(home));

        using var jobs = await https.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);
        Assert.Equal(ca.Subject, presented!.Issuer);
        Assert.True(presented.NotAfter - presented.NotBefore <= TimeSpan.FromDays(398), "a certificate browsers accept lasts at most 398 days");
        // It names where its CA's revocation list is, and the list is there, for anyone, signed by the CA.
        Assert.Contains(presented.Extensions, e => e.Oid?.Value == "2.5.29.31");
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{orchestrator.Port}") };
        using var crl = await anonymous.GetAsync(new Uri("/pki/ca.crl", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, crl.StatusCode);
        Assert.Equal("application/pkix-crl", crl.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(jobs.Headers.GetValues("X-Content-Type-Options")));
        var hsts = Assert.Single(jobs.Headers.GetValues("Strict-Transport-Security"));
        var maxAge = long.Parse(hsts.Split(';')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(maxAge >= 31_536_000, hsts);

        // Plain HTTP (the local port) carries no HSTS: browsers ignore it there anyway.
        using var plain = await orchestrator.Client.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task CertsInit_HubCertificate_LastsAYearAndNamesTheRevocationList()
    {
        var home = OrchestratorProcess.CreateHome();
        await CertsInitAsync(home);

        using var hub = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(home, "certs", "hub.crt"));
        Assert.True(hub.NotAfter - hub.NotBefore <= TimeSpan.FromDays(398), "the hub's certificate lasts at most 398 days");
        var crl = Assert.Single(hub.Extensions, e => e.Oid?.Value == "2.5.29.31");
        Assert.Contains("/pki/ca.crl", new AsnEncodedData(crl.Oid, crl.RawData).Format(false), StringComparison.Ordinal);
        Assert.Equal(2048, CommandKeyBits(home));
    }

    [Fact]
    public async Task CertsInit_CommandKeyBits_MakesAKeyOfThatSizeOrExitsNamingTheKey()
    {
        var home = OrchestratorProcess.CreateHome("server:\n  ssl:\n    command_key_bits: 3072\n");
        await CertsInitAsync(home);
        Assert.Equal(3072, CommandKeyBits(home));

        var refused = OrchestratorProcess.CreateHome("server:\n  ssl:\n    command_key_bits: 1024\n");
        var output = await CertsInitAsync(refused, expectedExitCode: 2);
        Assert.Contains("server.ssl.command_key_bits must be one of 2048, 3072, 4096 (got 1024).", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(refused, "certs", "command-signing.key")));
    }

    private static int CommandKeyBits(string home)
    {
        using var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(home, "certs", "command-signing.key")));
        return key.KeySize;
    }

    private static async Task<string> CertsInitAsync(string home, int expectedExitCode = 0)
    {
        var result = await ProgramRun.RunAsync("dotnet", [OrchestratorBuild.Program, "certs", "init"], home, timeout: TimeSpan.FromSeconds(180));
        Assert.True(result.ExitCode == expectedExitCode, result.Output);
        return result.Output;
    }
}
