using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using P4Flow.Orchestrator.Audit;

namespace P4Flow.Orchestrator.Tests.Support;

/// <summary>
/// The orchestrator in process, on the in-memory store, with this project's test workflows published; its
/// credentials and audit log in a folder of its own. Clients sign in as the bootstrap admin unless a test asks otherwise.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public string Home { get; } = Path.Combine(Path.GetTempPath(), "p4flow-api-" + Guid.NewGuid().ToString("N")[..8]);

    public string AuditLog => Path.Combine(Home, "logs", "audit.jsonl");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("state_management:type", "memory");
        builder.UseSetting("state_management:workflows_dir", OrchestratorProcess.WorkflowsDir);
        builder.UseSetting("commands:runner", "local");
        // The branch graph starts empty here, whatever folder the tests run in.
        builder.UseSetting("branches:file", Path.Combine(Home, "config", "branches.yaml"));
        builder.UseSetting("monitoring:metrics_port", Loopback.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        TestCredentials.Use(builder, Home);
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        ApiKeys.SignIn(client, ApiKeys.Admin(Home));
    }

    /// <summary>A client with a new key of <paramref name="role"/>.</summary>
    public HttpClient ClientAs(string role, string? name = null)
    {
        var client = CreateClient();
        ApiKeys.SignIn(client, TestCredentials.NewKey(Services, role, name));
        return client;
    }

    /// <summary>A client without credentials (no cookies followed, no redirects).</summary>
    public HttpClient Anonymous()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Remove(ApiKeys.Header);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}
