using P4Flow.Agent.Configuration;

namespace P4Flow.Agent.Tests.Connection;

/// <summary>server.hubs: the hubs an agent tries in turn, each host:port, a bad one refused at start naming its place.</summary>
public sealed class HubAddressTests
{
    private static IEnumerable<string> Failures(HubOptions options) => new HubOptionsValidation().Validate(null, options).Failures ?? [];

    private static HubOptions With(params string[] hubs)
    {
        var options = new HubOptions { Ssl = { CertFile = "a.crt", KeyFile = "a.key" } };
        options.Hubs.AddRange(hubs);
        return options;
    }

    [Fact]
    public void Addresses_NoHubsListed_TheMasterHostAndPort()
    {
        var options = With();
        options.MasterHost = "orchestrator.example";
        options.MasterPort = 9443;

        Assert.Equal([new Uri("https://orchestrator.example:9443/")], options.Addresses);
    }

    [Fact]
    public void Addresses_HubsListed_InTheirOrder_NamesIpv4AndIpv6()
    {
        var options = With("orch-a.example:9090", "10.0.0.7:9091", "[::1]:9092");

        Assert.Empty(Failures(options));
        Assert.Equal(["orch-a.example:9090", "10.0.0.7:9091", "[::1]:9092"], options.Addresses.Select(a => a.Authority));
    }

    [Theory]
    [InlineData("orch-a.example")]
    [InlineData("orch-a.example:0")]
    [InlineData("orch-a.example:http")]
    [InlineData("orch a:9090")]
    [InlineData(":9090")]
    public void Validate_BadHub_NamesItsPlace(string bad)
    {
        Assert.Equal([$"server.hubs[1] must be host:port (got '{bad}')."], Failures(With("orch-a.example:9090", bad)));
    }
}
