using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.Demo;

/// <summary>
/// Demo mode: a simulated depot (created on first run) stands in for the Perforce server, and a sample
/// integration of //depot/main into //depot/rel starts once the host is up. It stops in NEEDS_RESOLVE on a
/// real conflict; the log says how to resolve it and continue.
/// </summary>
internal sealed partial class DemoRun(WorkflowRuntime runtime, IServer server, IHostApplicationLifetime lifetime, CredentialBootstrap credentials, ILogger<DemoRun> logger) : BackgroundService
{
    public const string DefinitionId = "p4-integrate";
    public static string DepotDir => Path.GetFullPath(Path.Combine("data", "demo-depot"));
    public static string P4Launcher => CompanionPrograms.P4Launcher;

    /// <summary>The demo's Perforce server: the simulated depot, secured as a production server is (security level 3).</summary>
    public const string Server = "demo";
    /// <summary>The Perforce user the demo's depot has, who starts the demo's job and is told when it needs a person.</summary>
    public const string DemoUser = "demo";
    public const string DemoEmail = "demo@localhost";

    /// <summary>The Perforce password of the demo's user, made with the depot (mode 0600); P4Flow logs in with it.</summary>
    public static string PasswordFile => Path.GetFullPath(Path.Combine("data", "demo-p4-password"));

    /// <summary>Settings that point the P4 activities at the simulator; applied before services are built.</summary>
    public static Dictionary<string, string?> Settings(IConfiguration configuration) => new()
    {
        ["perforce:executable"] = P4Launcher,
        // A master.yaml written for the one-server shorthand must not clash with the demo's named server.
        ["perforce:port"] = null,
        ["perforce:user"] = null,
        [$"perforce:servers:{Server}:port"] = DepotDir,
        [$"perforce:servers:{Server}:user"] = "demo",
        [$"perforce:servers:{Server}:credentials:password_file"] = PasswordFile,
        ["perforce:default_server"] = Server,
        // The demo's notifications go to a file to watch with `tail -f data/notifications.jsonl`; the starter's
        // address comes from the Email of the demo user's Perforce spec, as it would on a real server.
        ["notifications:public_url"] = $"http://127.0.0.1:{configuration["server:http_port"] ?? "5000"}",
        [$"notifications:channels:{NotificationsChannel}:type"] = "file",
        [$"notifications:channels:{NotificationsChannel}:path"] = NotificationsFile,
        [$"notifications:events:needs_resolve:0"] = NotificationsChannel,
        [$"notifications:events:continue_conflicts:0"] = NotificationsChannel,
        [$"notifications:events:reminder:0"] = NotificationsChannel,
        [$"notifications:events:failed:0"] = NotificationsChannel,
        [$"notifications:events:completed:0"] = NotificationsChannel,
        [$"notifications:events:agent_lost:0"] = NotificationsChannel,
        // The demo's branch graph: //depot/main -> //depot/rel on the simulated server.
        ["branches:file"] = BranchesFile,
    };

    /// <summary>The demo's branch graph, loaded at start like config/branches.yaml.</summary>
    public const string BranchesFile = "config/branches.demo.yaml";

    public const string NotificationsChannel = "demo-file";
    /// <summary>Where the demo's notifications are written, one JSON object per line.</summary>
    public const string NotificationsFile = "data/notifications.jsonl";

    /// <summary>
    /// Creates the simulated depot unless a previous demo left one with its password: demo gets a random password
    /// (in <see cref="PasswordFile"/>), and the server insists on tickets, so P4Flow has to log in as it would on a
    /// production server. A depot left without its password file is made again.
    /// </summary>
    public static void EnsureDepot()
    {
        if (File.Exists(Path.Combine(DepotDir, "depot.json")) && File.Exists(PasswordFile)) return;
        if (Directory.Exists(DepotDir)) Directory.Delete(DepotDir, recursive: true);
        RunP4(null, null, "init-demo", DepotDir);
        var password = "Demo-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        // The administrator's ticket for these steps lives only as long as they do.
        var tickets = Path.Combine(Path.GetTempPath(), "p4flow-demo-admin-" + Guid.NewGuid().ToString("N"));
        try
        {
            RunP4(tickets, $"{password}\n{password}\n", "-p", DepotDir, "-u", "demo", "passwd");
            RunP4(tickets, password + "\n", "-p", DepotDir, "-u", "demo", "login");
            // Where the demo's notifications address its user: the Email of the user spec, as on a real server.
            RunP4(tickets, $"User:\t{DemoUser}\n\nEmail:\t{DemoEmail}\n\nFullName:\tDemo User\n", "-p", DepotDir, "-u", "demo", "user", "-i");
            RunP4(tickets, null, "-p", DepotDir, "-u", "demo", "configure", "set", "security=3");
        }
        finally
        {
            File.Delete(tickets);
        }
        // Owner-only before the password goes in: P4Flow refuses a password file others may read.
        File.WriteAllText(PasswordFile, "");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(PasswordFile, password + "\n");
    }

    /// <param name="tickets">P4TICKETS for the command; null for p4's default.</param>
    private static void RunP4(string? tickets, string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo(P4Launcher) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["P4CONFIG"] = "";
        if (tickets is not null) info.Environment["P4TICKETS"] = tickets;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {P4Launcher}.");
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        output.Wait();
        if (process.ExitCode != 0) throw new InvalidOperationException($"p4 {string.Join(' ', args.Where(a => a != DepotDir))} for the demo depot failed: {error}");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        var input = new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["description"] = "Demo: integrate main into rel" };
        var job = await runtime.StartAsync(DefinitionId, input, DemoUser, stoppingToken).ConfigureAwait(false);
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? "http://127.0.0.1:5000";
        LogDemo(logger, job.Id, address, DepotDir, P4Launcher);
        PrintSignIn(address, addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal)));
    }

    // To the terminal only, never through the logger: log files must not hold the admin's password.
    private void PrintSignIn(string address, string? https)
    {
        var password = File.Exists(credentials.PasswordFile) ? File.ReadAllText(credentials.PasswordFile).Trim() : $"(in {credentials.PasswordFile})";
        Console.WriteLine($"""
              Studio:       {address}/  (also {https ?? "no HTTPS"}) - sign in as admin, password {password}
              API key:      data/admin-api-key (admin); every curl needs -H "X-Api-Key: $(cat data/admin-api-key)"
            """);
    }

    [LoggerMessage(2101, LogLevel.Information, """
        Demo integration {JobId} started against the simulated depot {Depot}.
          Watch it:     curl -H "X-Api-Key: $(cat data/admin-api-key)" {Address}/api/jobs/{JobId}
          It stops in NEEDS_RESOLVE on conflict.c. Settle it in the Studio: {Address}/jobs/{JobId} (Conflicts to settle).
          Or resolve it by hand in the job's workspace, e.g. take the source's version.
          The depot wants a login (security level 3); demo's password is in data/demo-p4-password:
                        (cd data/workspaces/{JobId} && {P4} -p {Depot} -u demo login < ../../demo-p4-password && {P4} -p {Depot} -u demo -c p4flow-{JobId} resolve -at)
          Continue:     curl -X POST -H "X-Api-Key: $(cat data/admin-api-key)" {Address}/api/jobs/{JobId}/continue
          Notifications (what a person is told, and when): tail -f data/notifications.jsonl
        """)]
    private static partial void LogDemo(ILogger logger, string jobId, string address, string depot, string p4);
}
