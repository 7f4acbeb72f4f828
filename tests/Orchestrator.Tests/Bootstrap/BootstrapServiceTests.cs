using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Bootstrap;
using P4Flow.Orchestrator.Tests.Hub;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Bootstrap;

/// <summary>
/// The bootstrap service against the real sshd and a hub in this process: bootstraps that must stop (refused with
/// the reason, audited, nothing left running) and one by an SSH user that may not create users.
/// </summary>
[Collection(SshHostCollection.Name)]
public sealed class BootstrapServiceTests(SshHostFixture ssh) : IAsyncLifetime
{
    private HubHost _hub = null!;

    public async Task InitializeAsync() => _hub = await HubHost.StartAsync(agents: []);

    public async Task DisposeAsync()
    {
        // A bootstrap that should have stopped but went through must not leave an agent behind.
        foreach (var dir in _names.SelectMany(n => new[] { Base(n), $"/home/{PlainUser}/p4flow/{n}" }))
            await AgentInstall.RemoveLeftoversAsync(dir);
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task Bootstrap_WrongPinnedFingerprint_RefusedBeforeAnyCommandAndAudited()
    {
        var name = NewName();
        var wrong = HostKeyFingerprint.Of([1, 2, 3]);

        var outcome = await Service().BootstrapAsync(Request(name) with { HostKeyStrategy = HostKeyStrategies.Fingerprint, Fingerprint = wrong }, null, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(BootstrapSteps.Connect, outcome.FailedStep);
        Assert.Contains("host key mismatch", outcome.Error, StringComparison.Ordinal);
        Assert.Contains(ssh.Fingerprint, outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Base(name)), "nothing was created on the host");
        var audit = Attempt(name);
        Assert.Equal("REJECTED", audit.Str("result"));
        Assert.Equal(RemoteHostCommandHash.Empty, audit.Str("ssh_command_hash"));
        Assert.Contains("host key mismatch", audit.Str("reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_AgentBuiltForAnotherArchitecture_RefusedBeforeUpload()
    {
        // The agent of an arm64 release: its program's ELF header says aarch64; this host is x86_64.
        var name = NewName();
        var folder = Path.Combine(_hub.Dir, "arm64-agent");
        Directory.CreateDirectory(folder);
        var header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        (header[4], header[5], header[18], header[19]) = (2, 1, 0xB7, 0x00);
        await File.WriteAllBytesAsync(Path.Combine(folder, AgentPackage.AgentProgram), header);
        await File.WriteAllTextAsync(Path.Combine(folder, "P4Flow.Agent.dll"), "not run");

        var options = Options(ssh.KnownHosts);
        (options.AgentPackage, options.PublishCache) = (folder, Path.Combine(_hub.Dir, "cache"));

        var outcome = await Service(options).BootstrapAsync(Request(name), null, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(BootstrapSteps.Package, outcome.FailedStep);
        Assert.Contains("the agent build is for aarch64; the host is x86_64", outcome.Error, StringComparison.Ordinal);
        Assert.False(File.Exists($"{Base(name)}/agent.tar.gz.new") || File.Exists($"{Base(name)}/agent.tar.gz"), "nothing was uploaded");
        Assert.Equal("x86_64", ssh.Bundle.Machine);
    }

    [Fact]
    public async Task Bootstrap_AgentFolderIsALink_RefusedBeforeRootWritesThroughIt()
    {
        // What a job of an enrolled agent (running as p4agent, owner of the tree) could plant before an upgrade.
        var name = NewName();
        var victim = Path.Combine(ssh.Dir, "victim-" + name);
        Directory.CreateDirectory(victim);
        await ProgramRun.ShellAsync($"id -u p4agent >/dev/null 2>&1 || useradd --system --create-home --home-dir /home/p4agent --shell /usr/sbin/nologin --user-group p4agent; mkdir -p /home/p4agent/p4flow && ln -sfn {victim} {Base(name)}");

        var outcome = await Service().BootstrapAsync(Request(name), null, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(BootstrapSteps.Upload, outcome.FailedStep);
        Assert.Contains("is a symbolic link", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(victim));
        Assert.Equal("root", await ProgramRun.ShellAsync($"stat -c %U {victim}"));
        File.Delete(Base(name));
    }

    [Fact]
    public async Task Bootstrap_RightPinnedFingerprintButWrongSshKey_ClearAuthenticationError()
    {
        var name = NewName();

        var outcome = await Service().BootstrapAsync(Request(name) with { KeyRef = ssh.WrongKey, HostKeyStrategy = HostKeyStrategies.Fingerprint, Fingerprint = ssh.Fingerprint }, null, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(BootstrapSteps.Connect, outcome.FailedStep);
        Assert.StartsWith("authentication failed", outcome.Error, StringComparison.Ordinal);
        Assert.Contains(ssh.WrongKey, outcome.Error, StringComparison.Ordinal);
        Assert.Equal("REJECTED", Attempt(name).Str("result"));
    }

    [Fact]
    public async Task Bootstrap_KnownHostsHoldsAnotherKey_RefusedAsChanged()
    {
        var name = NewName();

        var outcome = await Service(knownHosts: ssh.ChangedKnownHosts).BootstrapAsync(Request(name), null, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(BootstrapSteps.Connect, outcome.FailedStep);
        Assert.StartsWith("host key changed", outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Base(name)));
        Assert.Contains("host key changed", Attempt(name).Str("reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_TrustOnFirstUse_WaitsForApprovalThenRefusesAnotherKey()
    {
        var name = NewName();
        var options = Options(ssh.KnownHosts);
        var service = Service(options);
        var tofu = Request(name) with { HostKeyStrategy = HostKeyStrategies.Tofu };

        var first = await service.BootstrapAsync(tofu, null, CancellationToken.None);

        Assert.Equal(BootstrapSteps.Connect, first.FailedStep);
        Assert.StartsWith("host key pending approval", first.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Base(name)));
        var approvals = new HostKeyApprovals(Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System);
        Assert.Null(approvals.Approve("127.0.0.1", ssh.Port, HostKeyFingerprint.Of([9]), "admin", out var mismatch));
        Assert.Contains("not SHA256:", mismatch, StringComparison.Ordinal);
        Assert.NotNull(approvals.Approve("127.0.0.1", ssh.Port, ssh.Fingerprint, "admin", out _));
        // Another key recorded for the host now: the approved one no longer matches what the host shows.
        var stored = JsonNode.Parse(await File.ReadAllTextAsync(approvals.Path))!.AsArray();
        stored.Single()!["fingerprint"] = HostKeyFingerprint.Of([7]);
        await File.WriteAllTextAsync(approvals.Path, stored.ToJsonString());

        var second = await service.BootstrapAsync(tofu, null, CancellationToken.None);

        Assert.StartsWith("host key changed", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_UploadCorruptedOnTheWay_ChecksumErrorAndNothingStarted()
    {
        var name = NewName();
        var service = Service();
        service.UploadFilter = stream => new CorruptingStream(stream, flipAt: 4096);
        var steps = new List<BootstrapStepEvent>();

        var outcome = await service.BootstrapAsync(Request(name), new SyncProgress(steps), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(BootstrapSteps.Upload, outcome.FailedStep);
        Assert.StartsWith("checksum mismatch after upload", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(steps, s => s.Step is BootstrapSteps.Start or BootstrapSteps.Whitelist or BootstrapSteps.Certificates);
        Assert.Contains(steps, s => s.Step == BootstrapSteps.Upload && s.Status == StepStatus.Failed);
        Assert.Empty(Directory.Exists(Base(name)) ? Directory.GetFileSystemEntries(Base(name)) : []);
        Assert.DoesNotContain(name, await File.ReadAllTextAsync(_hub.WhitelistPath), StringComparison.Ordinal);
        var audit = Attempt(name);
        Assert.Equal("REJECTED", audit.Str("result"));
        Assert.NotEqual(RemoteHostCommandHash.Empty, audit.Str("ssh_command_hash"));
    }

    [Fact]
    public async Task Bootstrap_SshUserCannotCreateUsers_AgentRunsAsThatUserInItsHomeWithWarning()
    {
        // A user with a shell and no password (not locked): sshd lets it in with the fixture's key.
        await ProgramRun.ShellAsync($"id -u {PlainUser} >/dev/null 2>&1 || useradd --create-home --shell /bin/sh -p '*' {PlainUser}");
        var name = NewName();
        var dir = $"/home/{PlainUser}/p4flow/{name}";
        var service = Service();
        var steps = new List<BootstrapStepEvent>();

        var outcome = await service.BootstrapAsync(Request(name) with { User = PlainUser }, new SyncProgress(steps), CancellationToken.None);

        Assert.True(outcome.Succeeded, $"{outcome.FailedStep}: {outcome.Error}");
        var user = steps.Last(s => s.Step == BootstrapSteps.AgentUser);
        Assert.Equal(StepStatus.Warning, user.Status);
        Assert.Contains($"{PlainUser} cannot create users", user.Message, StringComparison.Ordinal);
        Assert.Equal(PlainUser, await ProgramRun.ShellAsync($"ps -o user= -p $(cat {dir}/agent.pid)"));
        Assert.Equal("600", await ProgramRun.ShellAsync($"stat -c %a {dir}/agent.env"));
        Assert.Contains("allow_root: false", await File.ReadAllTextAsync($"{dir}/agent.yaml"), StringComparison.Ordinal);
        Assert.Equal("HEALTHY", _hub.Agent(name)?.State);

        var removed = await service.RemoveAsync(name, "admin", null, CancellationToken.None);

        Assert.True(removed.Succeeded, $"{removed.FailedStep}: {removed.Error}");
        Assert.False(Directory.Exists(dir));
        Assert.Null(_hub.Agent(name));
        Assert.DoesNotContain(name, await File.ReadAllTextAsync(_hub.WhitelistPath), StringComparison.Ordinal);
        Assert.Contains(_hub.AuditLines(), l => l.Str("event_type") == BootstrapService.RemoveEvent && l.Str("agent_id") == name && l.Str("user") == "admin");
    }

    [Fact]
    public async Task Enrol_FromTheStudio_YieldsStepsAsTheyHappenThenTheOutcome()
    {
        var name = NewName();
        var options = Options(ssh.KnownHosts);
        var services = new ServiceCollection()
            .AddSingleton(new BootstrapOperations(Service(options), _hub.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(), TimeProvider.System))
            .BuildServiceProvider();
        var enrolment = new StudioEnrolment(Microsoft.Extensions.Options.Options.Create(options), services);
        var form = new P4Flow.Studio.Services.EnrolmentForm("127.0.0.1", ssh.Port, SshHostFixture.User, ssh.ClientKey, name, [], HostKeyStrategies.Fingerprint, HostKeyFingerprint.Of([1]));
        var seen = new List<P4Flow.Studio.Services.EnrolmentProgress>();

        await foreach (var progress in enrolment.EnrolAsync(form, "studio", CancellationToken.None)) seen.Add(progress);

        Assert.Equal("running", seen[0].Status);
        Assert.Equal("failed", seen[^1].Status);
        Assert.Contains("host key mismatch", seen[^1].Error, StringComparison.Ordinal);
        Assert.Equal([("connect", "Running"), ("connect", "Failed")], seen[^1].Steps.Select(s => (s.Step, s.Status)));
        Assert.Equal("studio", Attempt(name).Str("user"));

        var invalid = await enrolment.EnrolAsync(form with { Host = "", AgentName = "no spaces" }, "studio", CancellationToken.None).SingleAsync();
        Assert.Equal(["agentName", "host"], invalid.FieldErrors!.Keys.Order());
    }

    [Fact]
    public async Task Bootstrap_AgentNeverReachesHub_FailsAtWaitWithItsLogAndTakesWhitelistEntryBack()
    {
        var name = NewName();
        var options = Options(ssh.KnownHosts);
        // The hub listens on 127.0.0.1 only: an agent dialling 127.0.0.2 never arrives.
        options.HubHost = "127.0.0.2";
        options.Timeouts.AgentConnected = 3;

        var outcome = await Service(options).BootstrapAsync(Request(name), null, CancellationToken.None);

        Assert.Equal(BootstrapSteps.WaitConnected, outcome.FailedStep);
        Assert.Contains("did not connect to the hub within 3 s", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("agent.log", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(name, await File.ReadAllTextAsync(_hub.WhitelistPath), StringComparison.Ordinal);
        Assert.Equal("REJECTED", Attempt(name).Str("result"));
        // Not enrolled either: a second attempt is a first enrolment again (rolled back the same way if it fails).
        Assert.Null(new Enrolments(Microsoft.Extensions.Options.Options.Create(options)).Find(name));
    }

    private const string PlainUser = "p4flow-ssh-test";

    private readonly List<string> _names = [];

    private string NewName()
    {
        var name = "fail-" + Guid.NewGuid().ToString("N")[..8];
        _names.Add(name);
        return name;
    }

    private static string Base(string name) => $"/home/p4agent/p4flow/{name}";

    private BootstrapRequest Request(string name) => new()
    {
        Host = "127.0.0.1",
        Port = ssh.Port,
        User = SshHostFixture.User,
        KeyRef = ssh.ClientKey,
        AgentName = name,
        Labels = ["linux"],
    };

    private BootstrapOptions Options(string knownHosts) => new()
    {
        KnownHosts = knownHosts,
        HostKeys = Path.Combine(_hub.Dir, "host_keys.json"),
        Enrolments = Path.Combine(_hub.Dir, "enrolments.json"),
        AgentPackage = ssh.Bundle.Path,
        Timeouts = new BootstrapTimeouts { AgentConnected = 30 },
    };

    private BootstrapService Service(string? knownHosts = null) => Service(Options(knownHosts ?? ssh.KnownHosts));

    private BootstrapService Service(BootstrapOptions options)
    {
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var approvals = new HostKeyApprovals(wrapped, TimeProvider.System);
        return ActivatorUtilities.CreateInstance<BootstrapService>(_hub.Services, wrapped, new HostKeyVerifier(wrapped, approvals), new AgentPackage(wrapped), new Enrolments(wrapped));
    }

    private JsonObject Attempt(string name) =>
        _hub.AuditLines().Single(l => l.Str("event_type") == BootstrapService.AttemptEvent && l.Str("agent_id") == name);

    /// <summary>Flips one byte as it passes, as a faulty link or a tampering middlebox would.</summary>
    private sealed class CorruptingStream(Stream inner, long flipAt) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var start = inner.Position;
            var read = inner.Read(buffer, offset, count);
            if (flipAt >= start && flipAt < start + read) buffer[offset + (int)(flipAt - start)] ^= 0xFF;
            return read;
        }
    }

    /// <summary>Records step events as they are reported, in order (Progress&lt;T&gt; would post them later).</summary>
    private sealed class SyncProgress(List<BootstrapStepEvent> steps) : IProgress<BootstrapStepEvent>
    {
        public void Report(BootstrapStepEvent value)
        {
            lock (steps) steps.Add(value);
        }
    }
}
