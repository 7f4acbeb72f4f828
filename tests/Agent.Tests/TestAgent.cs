using System.Diagnostics;
using System.Security.Cryptography;
using P4Flow.Protocol.Security;
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
        Directory.CreateDirectory(Root);
        // Commands of a root test run as nobody (execution.run_as); the tests' proof files are written next to the workspace.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Root, (UnixFileMode)0x1FF);
        Options = new AgentOptions { Workspace = Path.Combine(Root, "ws"), StateDir = Path.Combine(Root, "state"), MaxConcurrentCommands = maxConcurrent };
        Cache = new ResultCache(Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(new CacheOptions()), TimeProvider.System);
        Runner = RunnerWith(new ExecutionOptions { AllowedExecutables = [.. AllowedPrograms], KillGrace = 1 });
        Nonces = new NonceStore(Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System);
        Guard = new CommandGuard(new Dictionary<string, RSA> { [CommandSignature.KeyId(HubKey)] = PublicKeyOf(HubKey) }, () => AgentId, JwtSecret, Nonces, TimeProvider.System);
        Executor = new CommandExecutor(Runner, Guard, Cache, Link, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<CommandExecutor>.Instance);
        Link.Attach(Sent.Writer);
    }

    /// <summary>A runner of this agent's workspace with other execution settings, contained as the host would.</summary>
    public CommandRunner RunnerWith(ExecutionOptions execution)
    {
        var options = Microsoft.Extensions.Options.Options.Create(execution);
        return new CommandRunner(Microsoft.Extensions.Options.Options.Create(Options), options, new Containment(options, NullLogger<Containment>.Instance));
    }

    public string Root { get; }
    public AgentOptions Options { get; }
    public ResultCache Cache { get; }
    public CommandRunner Runner { get; }
    public CommandGuard Guard { get; }
    public NonceStore Nonces { get; }

    public const string JwtSecret = "agent-tests-jwt-secret-0123456789abcdef";

    public const string AgentId = "test-agent";

    /// <summary>What the tests run; the sandbox refuses everything else.</summary>
    public static readonly string[] AllowedPrograms = ["/bin/echo", "/usr/bin/echo", "/bin/sh", "/bin/true", "/bin/sleep", "/bin/cat", "/usr/bin/touch", "/usr/bin/env"];

    /// <summary>The "hub's" signing key, shared by every test agent (3072-bit keys are slow to make).</summary>
    public static RSA HubKey { get; } = RSA.Create(CommandSignature.DefaultKeySizeBits);

    /// <summary>Gives the command a token (unless it has one) and signs it as the hub would for this agent, then hands it over.</summary>
    public void Accept(P4Flow.Protocol.V1.Command command)
    {
        Seal(command);
        Executor.Accept(command);
    }

    /// <summary>What the hub does before it sends a command: a token (unless it has one), then the signature.</summary>
    public static P4Flow.Protocol.V1.Command Seal(P4Flow.Protocol.V1.Command command, string agentId = AgentId)
    {
        if (string.IsNullOrEmpty(command.Token)) command.Token = CommandToken.Create(JwtSecret, command.CmdId, agentId, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        CommandSignature.Sign(command, agentId, HubKey);
        return command;
    }

    /// <summary>A JobEnded signed as the hub signs it for this agent.</summary>
    public static P4Flow.Protocol.V1.JobEnded Seal(P4Flow.Protocol.V1.JobEnded ended, string agentId = AgentId)
    {
        CommandSignature.Sign(ended, agentId, HubKey);
        return ended;
    }

    private static RSA PublicKeyOf(RSA key)
    {
        var pub = RSA.Create();
        pub.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        return pub;
    }
    public HubLink Link { get; } = new();
    public CommandExecutor Executor { get; }
    public System.Threading.Channels.Channel<P4Flow.Protocol.V1.AgentMessage> Sent { get; } = System.Threading.Channels.Channel.CreateUnbounded<P4Flow.Protocol.V1.AgentMessage>();

    /// <summary>The next message of the given kind the agent sent, within a deadline.</summary>
    public async Task<P4Flow.Protocol.V1.AgentMessage> NextAsync(P4Flow.Protocol.V1.AgentMessage.BodyOneofCase kind, int seconds = 60)
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
        Guard.Dispose();
        Nonces.Dispose();
        Cache.Dispose();
    }

    public static P4Flow.Protocol.V1.Command Command(long id, string job, params string[] args)
    {
        var command = new P4Flow.Protocol.V1.Command { CmdId = id, JobId = job, Workspace = job, Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30)) };
        command.Args.AddRange(args);
        return command;
    }

    /// <summary>Waits for <paramref name="done"/>, polling, or fails with <paramref name="what"/> after the deadline.</summary>
    public static async Task WaitUntilAsync(Func<bool> done, string what, int seconds = 60)
    {
        var waited = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(seconds), $"Gave up after {seconds} s: {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits for a killed process to be gone (the kernel ends it when next it runs), or fails with <paramref name="what"/>.</summary>
    public static Task WaitGoneAsync(int pid, string what) => WaitUntilAsync(() => !IsAlive(pid), what);

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
