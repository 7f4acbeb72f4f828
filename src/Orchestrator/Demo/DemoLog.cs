namespace P4Flow.Orchestrator.Demo;

internal static partial class DemoLog
{
    [LoggerMessage(4016, LogLevel.Information, "Demo agent {AgentId} started (pid {Pid})")]
    public static partial void DemoAgentStarted(ILogger logger, string agentId, int pid);

    [LoggerMessage(4017, LogLevel.Information, "[agent] {Line}")]
    public static partial void DemoAgentOutput(ILogger logger, string line);
}
