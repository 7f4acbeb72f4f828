using Microsoft.Extensions.DependencyInjection;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Observability;
using P4Flow.Orchestrator.Tests.Observability;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>The per-agent circuit breaker, with two real agent processes, one of which cannot start what it is sent.</summary>
public sealed class AgentCircuitTests
{
    private static readonly AgentRequirements Flaky = new([], ["flaky"]);

    [Fact]
    public async Task LaunchFailures_OpenTheAgentsCircuit_NewJobsGoElsewhereUntilTheBreakIsOver()
    {
        await using var hub = await HubHost.StartAsync(agents: ["flaky", "steady"], settings: new Dictionary<string, string?>
        {
            ["agents:circuit_breaker:minimum_throughput"] = "2",
            ["agents:circuit_breaker:failure_ratio"] = "0.5",
            // Long enough that the steps below, each a round trip to a real agent, end before it on a busy machine.
            ["agents:circuit_breaker:break_duration"] = "20",
        }, services: services =>
        {
            services.AddSingleton(new P4FlowMetrics(Prometheus.Metrics.NewCustomRegistry()));
            services.AddSingleton<IAgentCircuitObserver, CircuitMetricsObserver>();
        });
        var metrics = hub.Services.GetRequiredService<P4FlowMetrics>();
        // Listed on the flaky agent's allow-list and present, but no one may execute it: its launcher fails ("not started: ...").
        var broken = Path.Combine(hub.Dir, "not-executable");
        await File.WriteAllTextAsync(broken, "#!/bin/sh\necho ran\n");
        File.SetUnixFileMode(broken, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var flaky = AgentProcess.Start(hub.Dir, hub.Port, "flaky", labels: ["flaky"], environment: new Dictionary<string, string>
        {
            [$"P4FLOW_AGENT_execution__allowed_executables__{AgentProcess.AllowedPrograms.Count}"] = broken,
        });
        await using var steady = AgentProcess.Start(hub.Dir, hub.Port, "steady", labels: ["steady"]);
        await hub.WaitForAgentAsync("flaky", a => a.State == "HEALTHY", "the flaky agent");
        await hub.WaitForAgentAsync("steady", a => a.State == "HEALTHY", "the steady agent");

        // The steady agent carries a job; the flaky one two jobs whose commands fail to start.
        Assert.Equal("steady", hub.Registry.TryAssign("job-busy", new AgentRequirements([], ["steady"])));
        Assert.Equal("flaky", hub.Registry.TryAssign("job-1", Flaky));
        Assert.Equal("flaky", hub.Registry.TryAssign("job-2", Flaky));
        var first = await hub.Dispatcher.RunAsync(HubHost.Request("job-1", broken), CancellationToken.None);
        Assert.Equal("closed", hub.Agent("flaky")!.Circuit); // one failure is below minimum_throughput
        await hub.Dispatcher.RunAsync(HubHost.Request("job-2", broken), CancellationToken.None);
        Assert.Contains("not started: ", first.Stderr, StringComparison.Ordinal);

        var open = hub.Agent("flaky")!;
        Assert.Equal("open", open.Circuit);
        Assert.NotNull(open.CircuitOpenUntil);
        Assert.Equal("closed", hub.Agent("steady")!.Circuit);
        Assert.Equal(1, (await MetricsUnitTests.ScrapeAsync(metrics)).Value("p4_agent_circuit_open", ("agent", "flaky")));
        // A job already on the flaky agent stays there: its workspace is there.
        var stays = await hub.Dispatcher.RunAsync(HubHost.Request("job-2", "/bin/echo", "still here"), CancellationToken.None);
        Assert.Equal("flaky", stays.AgentId);
        Assert.Equal("still here\n", stays.Stdout);
        hub.Registry.ReleaseJob("job-1", "done");
        hub.Registry.ReleaseJob("job-2", "done");
        // The flaky agent now has no job and the steady one has one: still the new job goes to steady.
        Assert.Equal("steady", hub.Registry.TryAssign("job-new", AgentRequirements.None));
        Assert.Null(hub.Registry.TryAssign("job-waits", Flaky)); // only the flaky agent qualifies: the job waits

        await hub.WaitForAgentAsync("flaky", a => a.Circuit == "half-open", "the flaky agent's break to end");
        Assert.Equal("flaky", hub.Registry.TryAssign("job-waits", Flaky));
        var trial = await hub.Dispatcher.RunAsync(HubHost.Request("job-waits", "/bin/echo", "trial"), CancellationToken.None);

        Assert.Equal("trial\n", trial.Stdout);
        var closed = hub.Agent("flaky")!;
        Assert.Equal("closed", closed.Circuit);
        Assert.Null(closed.CircuitOpenUntil);
        Assert.Equal(0, (await MetricsUnitTests.ScrapeAsync(metrics)).Value("p4_agent_circuit_open", ("agent", "flaky")));
    }

    [Fact]
    public void FaultOf_LaunchFailureAndUnstartableProgramCount_CommandFailuresDoNot()
    {
        static P4Flow.Protocol.V1.CommandResult Result(int exitCode, string error, bool refused = false) => new() { ExitCode = exitCode, Error = error, Stderr = error, Refused = refused };

        Assert.NotNull(AgentCircuitBreakers.FaultOf(Result(126, "not started: p4flow-launch: cannot execute /opt/p4: Permission denied", refused: true)));
        Assert.NotNull(AgentCircuitBreakers.FaultOf(Result(127, "could not start '/opt/p4': /opt/p4 does not exist")));
        // p4 itself failing, the command's own timeout, or the agent's policy refusing the command: not the agent's failure.
        Assert.Null(AgentCircuitBreakers.FaultOf(Result(1, "")));
        Assert.Null(AgentCircuitBreakers.FaultOf(new P4Flow.Protocol.V1.CommandResult { ExitCode = -1, TimedOut = true, Error = "timed out after 5 s" }));
        Assert.Null(AgentCircuitBreakers.FaultOf(Result(-1, "'/bin/rm' is not an allowed executable (execution.allowed_executables: /bin/sh)", refused: true)));
    }
}
