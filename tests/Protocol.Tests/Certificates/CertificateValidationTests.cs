using System.Net;
using System.Security.Cryptography.X509Certificates;
using P4Flow.Protocol.Certificates;

namespace P4Flow.Protocol.Tests.Certificates;

public sealed class CertificateValidationTests
{
    private static readonly X509Certificate2 Ca = CertificateAuthority.CreateCa();

    [Fact]
    public void ValidateClient_AgentCertificateFromOurCa_Passes()
    {
        using var agent = CertificateAuthority.IssueClient(Ca, "build-7");

        Assert.Null(CertificateValidation.ValidateClient(agent, Ca));
        Assert.Equal("build-7", CertificateValidation.CommonName(agent));
    }

    [Fact]
    public void ValidateClient_CertificateFromAnotherCa_IsRefusedNamingOurCa()
    {
        using var other = CertificateAuthority.CreateCa("Evil CA");
        using var agent = CertificateAuthority.IssueClient(other, "build-7");

        var reason = CertificateValidation.ValidateClient(agent, Ca);

        Assert.NotNull(reason);
        Assert.Contains("not issued by the P4Flow CA", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateClient_ExpiredCertificate_IsRefusedAsNotValidNow()
    {
        var now = DateTimeOffset.UtcNow;
        using var expired = CertificateAuthority.Issue(Ca, new LeafProfile("old-agent", CertificateAuthority.ClientAuthOid, [], [], now.AddDays(-30), now.AddDays(-1)));

        var reason = CertificateValidation.ValidateClient(expired, Ca);

        Assert.NotNull(reason);
        Assert.Contains("not valid now", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateClient_ServerCertificate_IsRefusedAsNotAClientCertificate()
    {
        using var server = CertificateAuthority.IssueServer(Ca, "p4flow-hub", ["localhost"], [IPAddress.Loopback]);

        var reason = CertificateValidation.ValidateClient(server, Ca);

        Assert.NotNull(reason);
        Assert.Contains("not a client certificate", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateClient_NoCertificate_IsRefused() =>
        Assert.Equal("no client certificate was presented", CertificateValidation.ValidateClient(null, Ca));

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("hub.example.com")]
    public void ValidateServer_NamedHost_Passes(string host)
    {
        using var server = CertificateAuthority.IssueServer(Ca, "p4flow-hub", ["localhost", "hub.example.com"], [IPAddress.Loopback, IPAddress.IPv6Loopback]);

        Assert.Null(CertificateValidation.ValidateServer(server, Ca, host));
    }

    [Fact]
    public void ValidateServer_HostNotNamed_IsRefusedListingTheNames()
    {
        using var server = CertificateAuthority.IssueServer(Ca, "p4flow-hub", ["localhost"], [IPAddress.Loopback]);

        var reason = CertificateValidation.ValidateServer(server, Ca, "elsewhere.example.com");

        Assert.NotNull(reason);
        Assert.Contains("does not name host 'elsewhere.example.com'", reason, StringComparison.Ordinal);
        Assert.Contains("localhost", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateServer_ClientCertificate_IsRefused()
    {
        using var agent = CertificateAuthority.IssueClient(Ca, "localhost");

        Assert.Contains("not a server certificate", CertificateValidation.ValidateServer(agent, Ca, "localhost"), StringComparison.Ordinal);
    }
}
