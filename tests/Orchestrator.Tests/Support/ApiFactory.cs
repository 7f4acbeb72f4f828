using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace P4Flow.Orchestrator.Tests.Support;

/// <summary>The orchestrator in process, on the in-memory store, with this project's test workflows published.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public static string WorkflowsDir => Path.Combine(AppContext.BaseDirectory, "Workflows");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("state_management:type", "memory");
        builder.UseSetting("state_management:workflows_dir", WorkflowsDir);
        builder.UseSetting("commands:runner", "local");
        builder.UseSetting("monitoring:metrics_port", OrchestratorProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}
