using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using P4Flow.Orchestrator.Observability;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>Secrets never reach a log file, whoever logs them and however.</summary>
public sealed partial class SecretsTests
{
    // Distinctive values, so a match anywhere in the logs is a leak.
    private const string Token = "tok-5f1c9e0b7a";
    private const string Signature = "sig-8d2e4a6c0f";
    private const string Password = "pw-3b7d1f9e5c";
    private const string ApiKey = "key-0a4c8e2f6b";
    private const string Ticket = "tkt-9e1b3d5f7a";
    private const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJjbWRfaWQiOiI0MiJ9.c2lnbmF0dXJlLXZhbHVl";

    [Fact]
    public async Task FullRun_SecretsLoggedEveryWay_NeverReachTheLogFiles()
    {
        var factory = new ObservabilityFactory(new Dictionary<string, string> { ["monitoring:log_level"] = "DEBUG" });
        await using (factory)
        {
            var client = factory.CreateClient();
            var jobId = await ObservedOrchestrator.StartWaitingJobAsync(client, delaySeconds: 0);
            var logger = factory.Services.GetRequiredService<ILogger<SecretsTests>>();

            // Named properties, a destructured object, a scope, a dictionary, and a JWT under an innocent name.
            LogCommandSent(logger, "agent-a", Token, Signature);
            LogLogin(logger, "p4flow", Password, Ticket);
            LogRequest(logger, new { Url = "/api/jobs", Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + Token, ["Accept"] = "application/json" }, ApiKey });
            using (logger.BeginScope(new Dictionary<string, object> { ["api_key"] = ApiKey, ["JWT_SECRET"] = Password }))
                LogInScope(logger, Jwt);
            factory.Services.GetRequiredService<CommandLog>().Write(new CommandLogEntry(CommandEvents.Sent, jobId, "42")
            {
                AgentId = "agent-a",
                Stage = "SYNC",
                Metadata = new Dictionary<string, object?> { ["token"] = Token, ["signature"] = Signature, ["env"] = new Dictionary<string, string> { ["P4PASSWD"] = Password } },
            });

            // The job's own data: a payload with a password, resumed through the API.
            await ObservedOrchestrator.FinishAsync(client, jobId, new { user = "ana", password = Password, token = Token });
        }

        var files = Directory.GetFiles(factory.LogsDir);
        Assert.Contains(files, f => f.EndsWith("p4flow.jsonl", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("commands.jsonl", StringComparison.Ordinal));
        var everything = string.Join("\n", files.SelectMany(ObservabilityFactory.ReadShared));
        foreach (var secret in new[] { Token, Signature, Password, ApiKey, Ticket, Jwt })
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        // They were logged, masked.
        Assert.Contains("\"Token\":\"***\"", everything, StringComparison.Ordinal);
        Assert.Contains("\"token\":\"***\"", everything, StringComparison.Ordinal);
        Assert.Contains("\"P4PASSWD\":\"***\"", everything, StringComparison.Ordinal);
        Assert.Contains("\"api_key\":\"***\"", everything, StringComparison.Ordinal);
        Assert.Contains("\"Authorization\":\"***\"", everything, StringComparison.Ordinal);
        Assert.Contains("\"Accept\":\"application/json\"", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FullRun_RealOrchestrator_NoSecretInItsOutputOrLogs()
    {
        var home = OrchestratorProcess.CreateHome();
        var environment = ObservedOrchestrator.Environment(Loopback.FreePort());
        environment["JWT_SECRET"] = Password;
        environment["P4PASSWD"] = Password;
        environment["P4FLOW_perforce__user"] = "p4flow";
        await using (var process = OrchestratorProcess.Start(home, environment: environment))
        {
            await process.WaitReadyAsync();
            var client = process.Client;
            var jobId = await ObservedOrchestrator.StartWaitingJobAsync(client, delaySeconds: 0);
            using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/jobs/{jobId}?token={Token}", UriKind.Relative)))
            {
                request.Headers.Add("Authorization", "Bearer " + Jwt);
                request.Headers.Add("X-Api-Key", ApiKey);
                using var response = await client.SendAsync(request);
            }
            await ObservedOrchestrator.FinishAsync(client, jobId, new { password = Password, signature = Signature, ticket = Ticket });
            await process.KillAsync();

            var logs = Directory.GetFiles(Path.Combine(home, "logs")).SelectMany(ObservabilityFactory.ReadShared).ToList();
            Assert.NotEmpty(logs);
            foreach (var secret in new[] { Token, Signature, Password, ApiKey, Ticket, Jwt })
            {
                Assert.DoesNotContain(secret, process.Output, StringComparison.Ordinal);
                Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Sent command to {AgentId} with {Token} and {Signature}")]
    private static partial void LogCommandSent(ILogger logger, string agentId, string token, string signature);

    [LoggerMessage(2, LogLevel.Debug, "Login as {User} with {P4Passwd} gave {Ticket}")]
    private static partial void LogLogin(ILogger logger, string user, string p4Passwd, string ticket);

    [LoggerMessage(3, LogLevel.Information, "Request {@Request}")]
    private static partial void LogRequest(ILogger logger, object request);

    [LoggerMessage(4, LogLevel.Information, "Header value {Value}")]
    private static partial void LogInScope(ILogger logger, string value);
}
