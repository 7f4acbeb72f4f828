using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Security;

/// <summary>Plain HTTP from another host: no credential is taken, pages go to HTTPS, the rest is refused and audited.</summary>
[Collection(ApiCollection.Name)]
public sealed class PlainHttpGuardTests(ApiFactory factory)
{
    private const string Peer = "10.20.30.40";

    [Fact]
    public async Task ApiCallFromAnotherHost_WithAGoodKey_RefusedNothingStartedAndAudited()
    {
        await using var remote = FromAnotherHost();
        using var client = Client(remote);
        var before = (await factory.CreateClient().GetJsonAsync("/api/jobs"))["items"]!.AsArray().Count;

        using var run = await client.PostJsonAsync("/api/workflow-definitions/signal-then-delay/runs", new JsonObject());
        var problem = await run.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
        Assert.Equal("HTTPS required", problem.Str("title"));
        Assert.Contains("credentials would cross the network in the clear. Use https://localhost:5001/api/workflow-definitions/signal-then-delay/runs", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(before, (await factory.CreateClient().GetJsonAsync("/api/jobs"))["items"]!.AsArray().Count);
        var audited = File.ReadAllLines(factory.AuditLog).Select(l => JsonNode.Parse(l)!)
            .Where(l => l.Str("event_type") == "ACCESS_DENIED" && l.Str("source_ip") == Peer).ToList();
        Assert.Contains(audited, l => l.Str("target") == "POST /api/workflow-definitions/signal-then-delay/runs" && l.Str("reason")!.Contains("plain HTTP serves this machine only", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiCallFromAnotherHost_HttpsOff_RefusedSayingHowToTurnItOn()
    {
        await using var remote = factory.WithWebHostBuilder(b => b.UseSetting("server:https_port", "0").ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new RemotePeer())));
        using var client = Client(remote);

        using var jobs = await client.GetAsync(new Uri("/api/jobs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, jobs.StatusCode);
        Assert.Contains("HTTPS is off (server.https_port 0)", (await jobs.ReadJsonAsync()).Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageFromAnotherHost_RedirectedToHttps_ProbesAndRevocationListStayOpen()
    {
        await using var remote = FromAnotherHost();
        using var client = Client(remote);

        using var page = await client.GetAsync(new Uri("/jobs?status=running", UriKind.Relative));
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var crl = await client.GetAsync(new Uri("/pki/ca.crl", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, page.StatusCode);
        Assert.Equal(new Uri("https://localhost:5001/jobs?status=running"), page.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, crl.StatusCode);
        Assert.NotEqual(HttpStatusCode.TemporaryRedirect, crl.StatusCode);
    }

    [Fact]
    public async Task PageFromAnotherHost_NoHostHeader_RefusedNotRedirected()
    {
        await using var remote = factory.WithWebHostBuilder(b => b.UseSetting("server:https_port", "5001").ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new RemotePeer(host: ""))));
        using var client = Client(remote);

        using var page = await client.GetAsync(new Uri("/jobs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Null(page.Headers.Location);
        Assert.Contains("named no host (Host header)", (await page.ReadJsonAsync()).Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeFromAnotherHost_WithAWrongKey_AnsweredAndTheKeyNeverRead()
    {
        await using var remote = FromAnotherHost();
        using var client = remote.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var wrong = "p4f_wrong-key-" + Guid.NewGuid().ToString("N");
        client.DefaultRequestHeaders.Add("X-Api-Key", wrong);

        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.DoesNotContain(File.ReadAllLines(factory.AuditLog).Select(l => JsonNode.Parse(l)!),
            l => l.Str("event_type") == "LOGIN_FAILED" && l.Str("source_ip") == Peer);
    }

    /// <summary>The same orchestrator, every request arriving from <see cref="Peer"/> as a remote caller's would.</summary>
    private WebApplicationFactory<Program> FromAnotherHost() =>
        factory.WithWebHostBuilder(b => b.UseSetting("server:https_port", "5001").ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new RemotePeer())));

    private HttpClient Client(WebApplicationFactory<Program> remote)
    {
        var client = remote.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        ApiKeys.SignIn(client, ApiKeys.Admin(factory.Home));
        return client;
    }

    /// <param name="host">The Host header the caller sends instead of the client's, when given.</param>
    private sealed class RemotePeer(string? host = null) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(Peer);
                if (host is not null) context.Request.Host = new HostString(host);
                return then(context);
            });
            next(app);
        };
    }
}
