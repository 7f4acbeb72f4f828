using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Servers;
using P4Flow.Activities.Tests.Support;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Tests.Perforce.Servers;

/// <summary>
/// P4Client against the simulator as a real process on a depot an administrator secured (a password, security=3,
/// tickets only; and over ssl: with a key fingerprint): it logs in from the password file, reruns a command whose
/// ticket expired, fails once on a wrong password without retrying, and trusts only the configured key.
/// </summary>
public sealed class SecuredServerTests : IDisposable
{
    private const string Password = "Bu1ld-pass-7";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "p4flow-secured-" + Guid.NewGuid().ToString("N"));
    private readonly LocalCommandRunner _runner;
    private readonly RecordingDispatcher _dispatcher;
    private readonly SecurityEvents _events = new();
    private readonly WorkflowInstance _job = new() { Id = "ws" };

    public SecuredServerTests()
    {
        _runner = new LocalCommandRunner(Options.Create(new LocalRunnerOptions { WorkspaceRoot = Path.Combine(_folder, "jobs") }));
        _dispatcher = new RecordingDispatcher(_runner);
    }

    private static string Launcher { get; } =
        typeof(SecuredServerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "P4SimLauncher").Value!;

    private string Depot => Path.Combine(_folder, "demo");

    private string PasswordFile => Path.Combine(_folder, "p4-password");

    private string StateFolder => Path.Combine(_folder, "local-state", "p4");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Command_NoTicketOnSecuredServer_LogsInFromThePasswordFileOnceAndRuns()
    {
        await SecureDepotAsync();
        var p4 = Client(Server(Depot, Password));

        var first = await RunAsync(p4, "changes", "-m", "1");
        var second = await RunAsync(p4, "changes", "-m", "1");

        Assert.False(first.Failed, first.Text);
        Assert.False(second.Failed, second.Text);
        Assert.Equal(1, _dispatcher.Logins);
        Assert.Equal(["LoggedIn secured demo"], _events.All);
        // The ticket went into this host's state folder, owner-only, as p4 keeps it.
        var tickets = Path.Combine(StateFolder, "secured.tickets");
        Assert.Contains("=demo:", await File.ReadAllTextAsync(tickets), StringComparison.Ordinal);
        Assert.Equal(0, (int)File.GetUnixFileMode(tickets) & 0b111_111);
    }

    [Fact]
    public async Task Command_TicketExpired_LogsInAgainAndRerunsTheCommand()
    {
        await SecureDepotAsync();
        var p4 = Client(Server(Depot, Password));
        Assert.False((await RunAsync(p4, "changes", "-m", "1")).Failed);

        // Thirteen hours on: the 12-hour ticket has expired, so the command fails, P4Flow logs in and reruns it.
        _dispatcher.Now = DateTimeOffset.UtcNow.AddHours(13);
        var output = await RunAsync(p4, "changes", "-m", "1");

        Assert.False(output.Failed, output.Text);
        Assert.Equal(2, _dispatcher.Logins);
        // Each call: the command, the login, the command again.
        Assert.Equal(4, _dispatcher.Count("changes"));
    }

    [Fact]
    public async Task Command_WrongPassword_FailsAuthOnceAndNoSecondLoginWithinAMinute()
    {
        await SecureDepotAsync();
        var p4 = Client(Server(Depot, "not-the-password"));

        var first = await RunAsync(p4, "changes", "-m", "1");
        var second = await RunAsync(p4, "changes", "-m", "1");

        Assert.Equal(P4ErrorClass.Auth, P4ErrorClass.Classify(first));
        Assert.Contains("p4 login as demo on 'secured' failed", first.Text, StringComparison.Ordinal);
        Assert.Equal(P4ErrorClass.Auth, P4ErrorClass.Classify(second));
        Assert.Contains("tries again no sooner than a minute later", second.Text, StringComparison.Ordinal);
        // One wrong password reached the server, not one per command: the account is not locked out by P4Flow.
        Assert.Equal(1, _dispatcher.Logins);
        Assert.Equal(["LoginFailed secured demo"], _events.All);
    }

    [Fact]
    public async Task Login_PasswordGoesOnlyToTheLoginsStandardInput_NeverAnArgumentOrVariable()
    {
        await SecureDepotAsync();
        var p4 = Client(Server(Depot, Password));

        Assert.False((await RunAsync(p4, "changes", "-m", "1")).Failed);

        var login = Assert.Single(_dispatcher.Requests, r => r.Args.Contains("login") && !r.Args.Contains("-s"));
        Assert.True(login.SecretStdin);
        Assert.Equal(Password + "\n", login.Stdin);
        Assert.DoesNotContain(_dispatcher.Requests, r => r.Args.Any(a => a.Contains(Password, StringComparison.Ordinal))
            || r.Env.Values.Any(v => v.Contains(Password, StringComparison.Ordinal))
            || (!r.SecretStdin && (r.Stdin ?? "").Contains(Password, StringComparison.Ordinal)));
        Assert.DoesNotContain(Password, string.Concat(Directory.GetFiles(StateFolder).Select(File.ReadAllText)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SslServer_ConfiguredFingerprint_TrustedWithoutAskingAndCommandsRun()
    {
        await SecureDepotAsync();
        var fingerprint = await FingerprintAsync();
        var p4 = Client(Server("ssl:" + Depot, Password, fingerprint));

        var output = await RunAsync(p4, "changes", "-m", "1");

        Assert.False(output.Failed, output.Text);
        Assert.Equal(1, _dispatcher.Count("trust"));
        Assert.Contains(fingerprint, await File.ReadAllTextAsync(Path.Combine(StateFolder, "secured.trust")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SslServer_KeyRotatedToAnUnknownOne_RefusedAsTrustAndAudited()
    {
        await SecureDepotAsync();
        var fingerprint = await FingerprintAsync();
        var p4 = Client(Server("ssl:" + Depot, Password, fingerprint));
        Assert.False((await RunAsync(p4, "changes", "-m", "1")).Failed);

        await AdminAsync(Depot, "sslkey", "-r");
        var output = await RunAsync(p4, "changes", "-m", "1");

        Assert.True(output.Failed);
        Assert.Equal(P4ErrorClass.Trust, P4ErrorClass.Classify(output));
        Assert.Contains("TrustRefused secured", _events.All);
        // The new key was not trusted behind anyone's back: the trust file still holds only the configured one.
        Assert.Equal(1, _dispatcher.Count("trust"));
        Assert.Contains(fingerprint, await File.ReadAllTextAsync(Path.Combine(StateFolder, "secured.trust")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SslServer_NoFingerprintConfigured_RefusedNotTrustedOnFirstUse()
    {
        await SecureDepotAsync();
        var p4 = Client(Server("ssl:" + Depot, Password));

        var output = await RunAsync(p4, "changes", "-m", "1");

        Assert.Equal(P4ErrorClass.Trust, P4ErrorClass.Classify(output));
        Assert.Equal(0, _dispatcher.Count("trust"));
        Assert.Equal(["TrustRefused secured"], _events.All);
    }

    [Fact]
    public async Task Command_PortDownBackupPortUp_AnsweredByTheBackupWithItsCharset()
    {
        await SecureDepotAsync();
        var server = Server(Path.Combine(_folder, "no-such-server"), Password);
        server.BackupPort = Depot;
        server.Charset = "utf8";
        var p4 = Client(server);

        var output = await RunAsync(p4, "changes", "-m", "1");

        Assert.False(output.Failed, output.Text);
        var ports = _dispatcher.Requests.Select(r => r.Args[r.Args.ToList().IndexOf("-p") + 1]).Distinct().ToList();
        Assert.Equal([Path.Combine(_folder, "no-such-server"), Depot], ports);
        Assert.All(_dispatcher.Requests, r => Assert.Equal("utf8", r.Env["P4CHARSET"]));
    }

    /// <summary>The administrator's steps from src/P4Sim/README.md: demo gets a password, logs in, security goes to 3.</summary>
    private async Task SecureDepotAsync()
    {
        Assert.True(File.Exists(Launcher), $"No simulator launcher at {Launcher}: build src/P4Sim first.");
        Directory.CreateDirectory(Path.Combine(_folder, "admin"));
        await AdminAsync(null, "init-demo", Depot);
        await AdminAsync(Depot, $"{Password}\n{Password}\n", "passwd");
        await AdminAsync(Depot, Password + "\n", "login");
        await AdminAsync(Depot, "configure", "set", "security=3");
        await File.WriteAllTextAsync(PasswordFile, "");
        File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private async Task<string> FingerprintAsync()
    {
        var output = await AdminAsync(Depot, "sslkey");
        return output.Trim().Split(' ')[^1];
    }

    /// <summary>A command as the administrator, with the administrator's own tickets and trust files.</summary>
    private async Task<string> AdminAsync(string? port, params string[] args)
    {
        var stdin = args.Length > 0 && args[0].EndsWith('\n') ? args[0] : null;
        string[] command = stdin is null ? args : args[1..];
        string[] full = port is null ? [Launcher, .. command] : [Launcher, "-p", port, "-u", "demo", .. command];
        var env = new Dictionary<string, string>
        {
            ["P4CONFIG"] = "",
            // The runner takes P4TICKETS and P4TRUST only inside its state folder; p4's defaults are under HOME.
            ["HOME"] = Path.Combine(_folder, "admin"),
        };
        var result = await _runner.RunAsync(new CommandRequest("admin", null, full, env, Deadline, stdin), CancellationToken.None);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result.Stderr}");
        return result.Stdout;
    }

    private PerforceServerOptions Server(string port, string password, string? fingerprint = null)
    {
        File.WriteAllText(PasswordFile, password + "\n");
        return new PerforceServerOptions { Port = port, User = "demo", Fingerprint = fingerprint, Credentials = new P4CredentialsOptions { PasswordFile = PasswordFile } };
    }

    private P4Client Client(PerforceServerOptions server)
    {
        var options = new PerforceOptions { Executable = Launcher, ClientPrefix = "demo-", DefaultTimeout = (int)Deadline.TotalSeconds };
        options.Servers["secured"] = server;
        var wrapped = Options.Create(options);
        var breakers = new P4CircuitBreakers(wrapped, [], NullLogger<P4CircuitBreakers>.Instance);
        return new P4Client(_dispatcher, wrapped, breakers, new P4Logins(new ServerClock(_dispatcher)), [_events]);
    }

    private Task<P4Output> RunAsync(P4Client p4, params string[] command) =>
        p4.RunAsync(_job, null, NoWaits.Instance, command, null, CancellationToken.None);

    /// <summary>The real runner, with a record of every request and a settable server clock (P4SIM_NOW).</summary>
    private sealed class RecordingDispatcher(ICommandDispatcher inner) : ICommandDispatcher
    {
        public ConcurrentQueue<CommandRequest> Requests { get; } = new();

        public DateTimeOffset? Now { get; set; }

        /// <summary>How many requests ran the given p4 command (the first argument after the global options).</summary>
        public int Count(string command) => Requests.Count(r => CommandOf(r) == command);

        /// <summary>How many times a password was sent (p4 login; "login -s" only asks whether the ticket is good).</summary>
        public int Logins => Requests.Count(r => CommandOf(r) == "login" && !r.Args.Contains("-s"));

        private static string? CommandOf(CommandRequest request) => request.Args.SkipWhile(a => a != "-c").Skip(2).FirstOrDefault();

        public Task<CommandRun> RunAsync(CommandRequest request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            if (Now is { } now)
            {
                var env = new Dictionary<string, string>(request.Env) { ["P4SIM_NOW"] = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) };
                request = request with { Env = env };
            }
            return inner.RunAsync(request, cancellationToken);
        }
    }

    /// <summary>P4Flow's clock moves with the simulated server's, so "thirteen hours later" holds for both.</summary>
    private sealed class ServerClock(RecordingDispatcher dispatcher) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => dispatcher.Now ?? base.GetUtcNow();
    }

    private sealed class SecurityEvents : IP4SecurityObserver
    {
        private readonly ConcurrentQueue<string> _events = new();

        public IReadOnlyList<string> All => [.. _events];

        public void TrustRefused(string server, string port, string jobId, string reason) => _events.Enqueue($"TrustRefused {server}");

        public void LoginFailed(string server, string port, string user, string jobId, string reason) => _events.Enqueue($"LoginFailed {server} {user}");

        public void LoggedIn(string server, string port, string user, string jobId, string? agentId) => _events.Enqueue($"LoggedIn {server} {user}");
    }
}
