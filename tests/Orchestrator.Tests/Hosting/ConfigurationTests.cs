using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Hosting;

/// <summary>A bad setting stops a real orchestrator at start with a message naming the key; environment variables override the file.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("state_management:\n  resolve_check_interval: 0\n", "state_management.resolve_check_interval")]
    [InlineData("state_management:\n  resolve_check_interval: soon\n", "state_management:resolve_check_interval")]
    [InlineData("state_management:\n  type: oracle\n", "state_management.type must be sqlite, postgresql or memory (got 'oracle')")]
    [InlineData("state_management:\n  type: postgresql\n", "state_management.postgresql must name connection_string_env or connection_string_file")]
    [InlineData("state_management:\n  resolve_check_concurrency: 0\n", "state_management.resolve_check_concurrency")]
    [InlineData("state_management:\n  resolve_check_max_interval: 0\n", "state_management.resolve_check_max_interval")]
    [InlineData("monitoring:\n  log_format: xml\n", "monitoring.log_format")]
    [InlineData("resources:\n  max_agents: -1\n", "resources.max_agents")]
    [InlineData("server:\n  host: everywhere\n", "server.host")]
    [InlineData("retries:\n  NETWORK_ERROR:\n    backoff: random\n", "retries.NETWORK_ERROR.backoff must be exponential, linear or fixed (got 'random')")]
    [InlineData("retries:\n  P4_LOCKED:\n    attempts: -1\n", "retries.P4_LOCKED.attempts must be between 0 and 100 (got -1)")]
    [InlineData("retries:\n  TIMEOUT: { attempts: 2, backoff: fixed, delay: 0 }\n", "retries.TIMEOUT.delay")]
    [InlineData("perforce:\n  circuit_breaker:\n    minimum_throughput: 1\n", "perforce.circuit_breaker.minimum_throughput must be between 2 and 10000 (got 1)")]
    [InlineData("perforce:\n  circuit_breaker:\n    failure_ratio: 1.5\n", "perforce.circuit_breaker.failure_ratio must be above 0 and at most 1 (got 1.5)")]
    [InlineData("perforce:\n  circuit_breaker:\n    break_duration: 0\n", "perforce.circuit_breaker.break_duration must be between 0.5 and 86400 seconds (got 0)")]
    [InlineData("agents:\n  circuit_breaker:\n    minimum_throughput: 0\n", "agents.circuit_breaker.minimum_throughput must be between 2 and 10000 (got 0)")]
    [InlineData("agents:\n  circuit_breaker:\n    failure_ratio: 0\n", "agents.circuit_breaker.failure_ratio must be above 0 and at most 1 (got 0)")]
    public async Task Start_BadValueInMasterYaml_ExitsNamingTheKey(string yaml, string key)
    {
        var home = OrchestratorProcess.CreateHome(yaml);
        await using var process = OrchestratorProcess.Start(home);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, exitCode);
        Assert.Contains(key, process.Output, StringComparison.Ordinal);
        Assert.Contains("P4Flow cannot start", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_EnvironmentVariable_OverridesMasterYaml()
    {
        var home = OrchestratorProcess.CreateHome("state_management:\n  max_history_per_job: 10\n");
        await using var process = OrchestratorProcess.Start(home, environment: new Dictionary<string, string>
        {
            ["P4FLOW_state_management__max_history_per_job"] = "0",
        });
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, exitCode);
        Assert.Contains("state_management.max_history_per_job must be between 1 and 100000 (got 0)", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ConfigFileNamedButMissing_ExitsNamingTheVariable()
    {
        var home = OrchestratorProcess.CreateHome();
        await using var process = OrchestratorProcess.Start(home, environment: new Dictionary<string, string> { ["P4FLOW_CONFIG"] = "config/nope.yaml" });
        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("P4FLOW_CONFIG", process.Output, StringComparison.Ordinal);
    }
}
