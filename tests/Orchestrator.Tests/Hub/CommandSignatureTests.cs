using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol.Security;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>Signed commands with tokens between the real hub and a real agent process; every dispatch test also relies on a good signature.</summary>
public sealed class CommandSignatureTests
{
    [Fact]
    public async Task RunAsync_SignedByAKeyTheAgentDoesNotPin_RefusedNothingRunAndAudited()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"]);
        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1");
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");
        // The hub loads its key on the first command, so this one signs with a key the agent never pinned.
        CommandSignature.CreateKeyPair(HubCertificates.CommandKeyFile(hub.Tls), Path.Combine(hub.Dir, "rogue.pub"));
        var marker = Path.Combine(hub.Dir, "ran");

        var result = await hub.Dispatcher.RunAsync(HubHost.Request("job-1", "/usr/bin/touch", marker), CancellationToken.None);

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("refused, nothing was run", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not trust", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
        var line = (await hub.WaitForAuditAsync(l => l["event_type"]!.GetValue<string>() == "COMMAND_REFUSED", "the refused command in the audit log"))
            .Last(l => l["event_type"]!.GetValue<string>() == "COMMAND_REFUSED");
        Assert.Equal("agent-1", line["agent_id"]!.GetValue<string>());
        Assert.Equal("REJECTED", line["result"]!.GetValue<string>());
        Assert.Contains("does not trust", line["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        // The agent logs the refusal on its own thread; its output may trail the audit line.
        await Eventually.Until(() => Task.FromResult(agent.Output), o => o.Contains("refused", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the agent to log the refusal");
    }

    [Fact]
    public async Task RunAsync_TokenMadeWithAnotherSecret_RefusedNothingRunAndAudited()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"]);
        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1", environment: new Dictionary<string, string> { ["P4FLOW_AGENT_security__jwt_secret"] = "another-secret-0123456789abcdef0123456789" });
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");
        var marker = Path.Combine(hub.Dir, "ran");

        var result = await hub.Dispatcher.RunAsync(HubHost.Request("job-1", "/usr/bin/touch", marker), CancellationToken.None);

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains("token check failed", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
        await hub.WaitForAuditAsync(l => l["event_type"]!.GetValue<string>() == "COMMAND_REFUSED" && l["reason"]!.GetValue<string>().Contains("token", StringComparison.Ordinal), "the refused command in the audit log");
    }

    [Theory]
    [InlineData("unlisted", "not an allowed executable")]
    [InlineData("ld_preload", "LD_PRELOAD may not be set")]
    public async Task RunAsync_SandboxRefusal_NothingRunAndAudited(string kind, string why)
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"]);
        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1");
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");
        var marker = Path.Combine(hub.Dir, "ran");
        var env = new Dictionary<string, string>();
        if (kind == "ld_preload") env["LD_PRELOAD"] = Path.Combine(hub.Dir, "evil.so");
        string[] args = kind == "unlisted" ? ["/bin/mkdir", marker] : ["/usr/bin/touch", marker];

        var result = await hub.Dispatcher.RunAsync(new P4Flow.Activities.Commands.CommandRequest("job-1", "SYNC", args, env, TimeSpan.FromSeconds(30)), CancellationToken.None);

        Assert.Equal(-1, result.ExitCode);
        Assert.Contains(why, result.Stderr, StringComparison.Ordinal);
        Assert.False(Path.Exists(marker));
        await hub.WaitForAuditAsync(l => l["event_type"]!.GetValue<string>() == "COMMAND_REFUSED" && l["reason"]!.GetValue<string>().Contains(why, StringComparison.Ordinal), "the refused command in the audit log");
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(3072)]
    public async Task RunAsync_GoodSignature_RunsWithEitherKeySize(int bits)
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"]);
        // What `certs init` makes with server.ssl.command_key_bits; the agent pins it before the hub first signs.
        CommandSignature.CreateKeyPair(HubCertificates.CommandKeyFile(hub.Tls), HubCertificates.CommandPublicKeyFile(hub.Tls), bits);
        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1");
        await hub.WaitForAgentAsync("agent-1", a => a.State == "HEALTHY", "agent-1 to connect");
        var marker = Path.Combine(hub.Dir, "ran");

        var result = await hub.Dispatcher.RunAsync(HubHost.Request("job-1", "/usr/bin/touch", marker), CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public async Task AgentStart_PinnedKeyShorterThan2048Bits_ExitsNamingTheKeyAndTheFile()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"]);
        var weak = Path.Combine(hub.Dir, "weak.pub");
        using (var key = System.Security.Cryptography.RSA.Create(1024)) await File.WriteAllTextAsync(weak, key.ExportSubjectPublicKeyInfoPem());

        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1", environment: new Dictionary<string, string> { ["P4FLOW_AGENT_security__command_keys__0"] = weak });

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains($"security.command_keys: {weak} holds a 1024-bit RSA key; command keys must have at least 2048 bits.", agent.Output, StringComparison.Ordinal);
        Assert.Null(hub.Agent("agent-1"));
    }

    [Fact]
    public async Task AgentStart_PinnedKeyUnreadable_ExitsWithCode2NamingTheSetting()
    {
        await using var hub = await HubHost.StartAsync(agents: ["agent-1"]);
        // Opens, but every read fails (EIO) even for root: what a key on a failing disk or a denied file gives.
        const string unreadable = "/proc/self/mem";

        await using var agent = AgentProcess.Start(hub.Dir, hub.Port, "agent-1", environment: new Dictionary<string, string> { ["P4FLOW_AGENT_security__command_keys__0"] = unreadable });

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains("security.command_keys: ", agent.Output, StringComparison.Ordinal);
        Assert.Contains(unreadable, agent.Output, StringComparison.Ordinal);
        Assert.Null(hub.Agent("agent-1"));
    }

    [Fact]
    public void Sign_HubKeyShorterThan2048Bits_RefusedNamingTheFileAndTheSetting()
    {
        var tls = KeyOf(1024, configuredBits: 2048);
        using var signer = Signer(tls, new Logged());

        var refused = Assert.Throws<InvalidOperationException>(() => signer.Sign(new P4Flow.Protocol.V1.Command { CmdId = 1, JobId = "job-1" }, "agent-1"));

        Assert.Contains($"{HubCertificates.CommandKeyFile(tls)} holds a 1024-bit RSA key", refused.Message, StringComparison.Ordinal);
        Assert.Contains("server.ssl.command_key_bits", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_HubKeyOfAnotherSizeThanConfigured_SignsAndWarnsHowToRotate()
    {
        var tls = KeyOf(2048, configuredBits: 3072);
        var logged = new Logged();
        using var signer = Signer(tls, logged);
        var command = new P4Flow.Protocol.V1.Command { CmdId = 1, JobId = "job-1" };

        signer.Sign(command, "agent-1");

        Assert.NotEmpty(command.Signature);
        var warning = Assert.Single(logged.Warnings);
        Assert.Contains("has 2048 bits, not the 3072 of server.ssl.command_key_bits", warning, StringComparison.Ordinal);
        Assert.Contains("certs/README.md", warning, StringComparison.Ordinal);
    }

    /// <summary>A folder with a command-signing key of <paramref name="bits"/>, as `certs init` or an operator left it.</summary>
    private static HubTlsOptions KeyOf(int bits, int configuredBits)
    {
        var tls = HubHost.Folder(Path.Combine(Path.GetTempPath(), "p4flow-signer-" + Guid.NewGuid().ToString("N")[..8]));
        tls.CommandKeyBits = configuredBits;
        var file = HubCertificates.CommandKeyFile(tls);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var key = System.Security.Cryptography.RSA.Create(bits);
        File.WriteAllText(file, key.ExportPkcs8PrivateKeyPem());
        return tls;
    }

    private static CommandSigner Signer(HubTlsOptions tls, ILogger<CommandSigner> logger) =>
        new(Options.Create(tls), Options.Create(new HubSecurityOptions()), new CommandTokenSecret(HubHost.JwtSecret), TimeProvider.System, logger);

    /// <summary>The warnings the signer logs, as an operator reads them.</summary>
    private sealed class Logged : ILogger<CommandSigner>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) Warnings.Add(formatter(state, exception));
        }
    }
}
