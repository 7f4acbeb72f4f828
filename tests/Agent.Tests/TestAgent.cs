using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Agent.Connection;
using P4Flow.Agent.Execution;
using P4Flow.Agent.State;

namespace P4Flow.Agent.Tests;

/// <summary>An agent's parts on a temporary folder, wired as the host wires them.</summary>
internal sealed class TestAgent : IDisposable
{
    public TestAgent(int maxConcurrent = 4, string? root = null)
    {
        Root = root ?? Path.Combine(Path.GetTempPath(), "p4flow-agent-" + Guid.NewGuid().ToString("N")[..8]);
        Options = new AgentOptions { Workspace = Path.Combine(Root, "ws"), StateDir = Path.Combine(Root, "state"), MaxConcurrentCommands = maxConcurrent };
        Cache = new ResultCache(Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(new CacheOptions()), TimeProvider.System);
        Runner = new CommandRunner(Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(new ExecutionOptions()));
        Executor = new CommandExecutor(Runner, Cache, Link, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<CommandExecutor>.Instance);
        Link.Attach(Sent.Writer);
    }

    public string Root { get; }
    public AgentOptions Options { get; }
    public ResultCache Cache { get; }
    public CommandRunner Runner { get; }
    public HubLink Link { get; } = new();
    public CommandExecutor Executor { get; }
    public System.Threading.Channels.Channel<P4Flow.Protocol.V1.AgentMessage> Sent { get; } = System.Threading.Channels.Channel.CreateUnbounded<P4Flow.Protocol.V1.AgentMessage>();

    /// <summary>The next message of the given kind the agent sent, within a deadline.</summary>
    public async Task<P4Flow.Protocol.V1.AgentMessage> NextAsync(P4Flow.Protocol.V1.AgentMessage.BodyOneofCase kind, int seconds = 20)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var message = await Sent.Reader.ReadAsync(deadline.Token);
            if (message.BodyCase == kind) return message;
        }
    }

    public void Dispose()
    {
        Executor.Dispose();
        Cache.Dispose();
    }

    public static P4Flow.Protocol.V1.Command Command(long id, string job, params string[] args)
    {
        var command = new P4Flow.Protocol.V1.Command { CmdId = id, JobId = job, Workspace = job, Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30)) };
        command.Args.AddRange(args);
        return command;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
