using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Orchestrator.Security;

namespace P4Flow.Orchestrator.Tests.Support;

/// <summary>
/// Credentials of an in-process orchestrator in a folder of its own: the bootstrap admin key (data/admin-api-key
/// there, see <see cref="ApiKeys"/>) signs in every client by default; keys of other roles on request.
/// </summary>
public static class TestCredentials
{
    /// <summary>Credentials, token key, audit log and the host's state files under <paramref name="folder"/>; no HTTPS port (the test server has none).</summary>
    public static void Use(IWebHostBuilder builder, string folder)
    {
        builder.UseSetting("auth:credentials_file", Path.Combine(folder, "data", "credentials.json"));
        builder.UseSetting("auth:token_key_file", Path.Combine(folder, "data", "api-token.key"));
        builder.UseSetting("security:audit_log", Path.Combine(folder, "logs", "audit.jsonl"));
        builder.UseSetting("server:https_port", "0");
        // The run marker, incidents and the operator's pause: never in the test project's folder, shared by every host.
        builder.UseSetting("state_management:run_file", Path.Combine(folder, "data", "orchestrator.run"));
        builder.UseSetting("state_management:incidents_file", Path.Combine(folder, "data", "incidents.jsonl"));
        builder.UseSetting("state_management:pause_file", Path.Combine(folder, "data", "operator-pause.json"));
    }

    /// <summary>A new API key with <paramref name="role"/>, made in the orchestrator's own credential store.</summary>
    public static string NewKey(IServiceProvider services, string role, string? name = null) =>
        services.GetRequiredService<CredentialStore>().CreateApiKey(name ?? $"test-{role}", role).Key;
}
