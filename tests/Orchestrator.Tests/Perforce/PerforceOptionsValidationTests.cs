using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Servers;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>The perforce: section's servers are refused at start, each mistake naming its key.</summary>
public sealed class PerforceOptionsValidationTests
{
    private const string Fingerprint = "3F:A1:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:9C";

    private static IEnumerable<string> Failures(PerforceOptions options) =>
        new PerforceOptionsValidation().Validate(null, options).Failures ?? [];

    private static PerforceOptions Servers(params (string Name, PerforceServerOptions Server)[] servers)
    {
        var options = new PerforceOptions();
        foreach (var (name, server) in servers) options.Servers[name] = server;
        return options;
    }

    [Fact]
    public void Validate_TwoServersWithDefault_Succeeds()
    {
        var options = Servers(("main", new() { Port = "ssl:main:1666", Fingerprint = Fingerprint }), ("archive", new() { Port = "archive:1666" }));
        options.DefaultServer = "main";

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_OneServerWithoutDefault_Succeeds()
    {
        Assert.Empty(Failures(Servers(("main", new() { Port = "main:1666" }))));
    }

    [Fact]
    public void Validate_TwoServersWithoutDefault_AsksForDefaultServer()
    {
        var options = Servers(("main", new() { Port = "main:1666" }), ("archive", new() { Port = "archive:1666" }));

        Assert.Equal(["perforce.default_server must name one of perforce.servers (archive, main): a job that names no server goes there."], Failures(options));
    }

    [Fact]
    public void Validate_DefaultServerUnknown_NamesTheServers()
    {
        var options = Servers(("main", new() { Port = "main:1666" }));
        options.DefaultServer = "mian";

        Assert.Equal(["perforce.default_server names 'mian', which is not one of perforce.servers (main)."], Failures(options));
    }

    [Theory]
    [InlineData("ssl:main:1666", null)]
    [InlineData("main:1666", "ssl:standby:1666")]
    public void Validate_SslWithoutFingerprint_NamesTheFingerprintKey(string port, string? backup)
    {
        var options = Servers(("main", new() { Port = port, BackupPort = backup }));

        var failure = Assert.Single(Failures(options));
        Assert.StartsWith("perforce.servers.main.fingerprint must be the ssl: server's key fingerprint", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FingerprintOnPlainPort_IsRefused()
    {
        var options = Servers(("main", new() { Port = "sslgate:1666", Fingerprint = Fingerprint }));

        Assert.Equal(["perforce.servers.main.fingerprint is only for ssl: ports."], Failures(options));
    }

    [Fact]
    public void Validate_ShorthandBesideServers_IsRefused()
    {
        var options = Servers(("main", new() { Port = "main:1666" }));
        options.Port = "perforce:1666";

        Assert.Equal(["perforce.port and perforce.user are the shorthand for one server; with perforce.servers, give port and user per server."], Failures(options));
    }

    [Fact]
    public void Validate_Shorthand_IsCheckedAsPerforceKeys()
    {
        Assert.Empty(Failures(new PerforceOptions { Port = "perforce:1999", User = "builder" }));
        Assert.Equal(["perforce.port must be a P4PORT such as ssl:perforce:1666 (got '-p')."], Failures(new PerforceOptions { Port = "-p" }));
    }

    [Fact]
    public void Validate_ShorthandSslPort_PointsToServers()
    {
        var failure = Assert.Single(Failures(new PerforceOptions { Port = "ssl:perforce:1666" }));

        // The shorthand has no fingerprint key: the message must not send anyone to set perforce.fingerprint.
        Assert.DoesNotContain("perforce.fingerprint", failure, StringComparison.Ordinal);
        Assert.Contains("perforce.servers", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BothPasswordSources_NamesTheServersCredentials()
    {
        var credentials = new P4CredentialsOptions { PasswordEnv = "MAIN_PW", PasswordFile = "/etc/p4flow/main.pw" };
        var options = Servers(("main", new() { Port = "main:1666", Credentials = credentials }));

        Assert.Equal(["perforce.servers.main.credentials must name either password_env or password_file, not both."], Failures(options));
    }

    [Fact]
    public void Validate_PasswordEnvUnset_NamesTheServersKey()
    {
        var variable = "P4FLOW_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        var options = Servers(("main", new() { Port = "main:1666", Credentials = new() { PasswordEnv = variable } }));

        Assert.Equal([$"perforce.servers.main.credentials.password_env names {variable}, which is not set in the orchestrator's environment."], Failures(options));
    }

    [Theory]
    [InlineData("main server")]
    [InlineData("../main")]
    [InlineData(".hidden")]
    public void Validate_BadServerName_IsRefused(string name)
    {
        var failure = Assert.Single(Failures(Servers((name, new() { Port = "main:1666" }))));

        Assert.Equal($"perforce.servers.{name}: a server name may hold letters, digits, '.', '_' and '-' (up to 64).", failure);
    }

    [Fact]
    public void Validate_BudgetForNeedsResolve_IsRefusedNamingTheDeadlineSetting()
    {
        var options = Servers(("main", new() { Port = "main:1666" }));
        options.StageTimeouts["NEEDS_RESOLVE"] = 600;

        Assert.Equal(["perforce.stage_timeouts.NEEDS_RESOLVE: that stage waits for a person and has no budget; perforce.needs_resolve_deadline says how long it may wait."], Failures(options));
    }

    [Fact]
    public void Defaults_AJobParkedForHours_HasNoStageBudgetToSpend()
    {
        // The watcher's `resolve -n` of a job parked hours ago runs in NEEDS_RESOLVE: with a budget counted from when it
        // parked, every such check failed the job TIMEOUT.
        var parkedAt = DateTime.UtcNow.AddHours(-3);
        var parked = new P4Flow.Workflows.State.WorkflowInstance { Id = "0123456789abcdef0123456789abcdef", CurrentStage = ResolveContinuation.Stage };
        parked.StageHistory.Add(new P4Flow.Workflows.State.StageChange(ResolveContinuation.Stage, parkedAt));
        var syncing = new P4Flow.Workflows.State.WorkflowInstance { Id = "0123456789abcdef0123456789abcdef", CurrentStage = "SYNC" };
        syncing.StageHistory.Add(new P4Flow.Workflows.State.StageChange("SYNC", parkedAt));

        Assert.Empty(Failures(Servers(("main", new() { Port = "main:1666" }))));
        Assert.Null(StageBudget.Of(parked, ResolveContinuation.Stage, new PerforceOptions()));
        Assert.Equal(parkedAt.AddSeconds(600), StageBudget.Of(syncing, "SYNC", new PerforceOptions())!.At);
    }
}
