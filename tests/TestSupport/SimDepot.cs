using System.Diagnostics;
using System.Text.Json.Nodes;

namespace P4Flow.TestSupport;

/// <summary>
/// A depot of the p4 simulator (its `p4` launcher next to the orchestrator under test), driven as a developer would:
/// a client of its own, add, edit, integrate, submit. Disposing it deletes its folder.
/// </summary>
public sealed class SimDepot : IDisposable
{
    private const string User = "dev";
    private const string Client = "dev-ws";

    private SimDepot(string root)
    {
        Root = root;
        Workspace = Path.Combine(Path.GetDirectoryName(root)!, "dev-ws");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Workspace);
        GiveToCommandUser(Root);
    }

    /// <summary>
    /// A root agent runs commands as nobody (execution.run_as), and they submit too: the depot's folders (files in
    /// them are replaced, never rewritten) belong to that user.
    /// </summary>
    public static void GiveToCommandUser(string depotRoot)
    {
        if (!Environment.IsPrivilegedProcess) return;
        Directory.CreateDirectory(Path.Combine(depotRoot, "blobs"));
        using var chown = Process.Start("chown", ["nobody", depotRoot, Path.Combine(depotRoot, "blobs")]);
        chown.WaitForExit();
    }

    public static string Launcher => OrchestratorBuild.P4Launcher;

    /// <summary>The depot folder: the P4PORT of the simulator.</summary>
    public string Root { get; }
    public string Workspace { get; }

    /// <summary>An empty depot with the developer's client mapping all of //depot.</summary>
    public static async Task<SimDepot> CreateAsync()
    {
        var depot = new SimDepot(Path.Combine(Path.GetTempPath(), "p4flow-depot-" + Guid.NewGuid().ToString("N")[..8], "depot"));
        await depot.RunWithInputAsync($"Client:\t{Client}\n\nRoot:\t{depot.Workspace}\n\nView:\n\t//depot/... //{Client}/...\n", "client", "-i");
        return depot;
    }

    /// <summary>main/a.txt with <paramref name="initial"/>, branched to rel, then <paramref name="changed"/> on main: one change for rel to integrate.</summary>
    public static async Task<SimDepot> CreateWithChangeOnMainAsync(string initial, string changed)
    {
        var depot = await CreateAsync();
        await depot.SubmitAsync("Initial", ("main/a.txt", initial, null));
        await depot.BranchAsync();
        await depot.SubmitAsync("Fix on main", ("main/a.txt", changed, null));
        return depot;
    }

    /// <summary>The simulator's demo depot: main and rel share history; main has a clean change, a conflicting one and a binary file.</summary>
    public static async Task<SimDepot> CreateDemoAsync()
    {
        var depot = new SimDepot(Path.Combine(Path.GetTempPath(), "p4flow-demo-" + Guid.NewGuid().ToString("N")[..8], "depot"));
        await depot.RunProcessAsync(depot.Workspace, ["init-demo", depot.Root], null);
        return depot;
    }

    /// <summary>Adds (or edits) files and submits them as one change.</summary>
    public Task SubmitAsync(string description, params (string Path, string Content, string? Type)[] files) => SubmitAsAsync(User, description, files);

    /// <summary>As <see cref="SubmitAsync"/>, by <paramref name="user"/> (from the developer's client): the change's author.</summary>
    public async Task SubmitAsAsync(string user, string description, params (string Path, string Content, string? Type)[] files)
    {
        Task<string> As(params string[] args) => RunProcessAsync(Workspace, ["-p", Root, "-u", user, "-c", Client, .. args], null);
        foreach (var (path, content, type) in files)
        {
            var local = Path.Combine(Workspace, path);
            var depotPath = "//depot/" + path;
            var exists = File.Exists(local);
            if (exists) await As("edit", depotPath);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await File.WriteAllTextAsync(local, content);
            if (!exists) await (type is null ? As("add", depotPath) : As("add", "-t", type, depotPath));
        }
        await As("submit", "-d", description);
    }

    /// <summary>p4 as <paramref name="user"/> in client <paramref name="client"/> rooted at <paramref name="workDir"/> (another person's workspace).</summary>
    public Task<string> RunAsAsync(string workDir, string user, string client, string? stdin, params string[] args) =>
        RunProcessAsync(workDir, ["-p", Root, "-u", user, "-c", client, .. args], stdin);

    /// <summary>Branches main into rel, as the history every integration starts from.</summary>
    public async Task BranchAsync(string from = "//depot/main/...", string to = "//depot/rel/...")
    {
        await RunAsync("integrate", from, to);
        await RunAsync("submit", "-d", $"Branch {from} to {to}");
    }

    /// <summary>Writes faults.json: the simulator injects these failures (kinds: unreachable, session-expired, locked, exclusive, latency, hang).</summary>
    public Task InjectFaultsAsync(params JsonObject[] faults) =>
        File.WriteAllTextAsync(Path.Combine(Root, "faults.json"), new JsonArray([.. faults]).ToJsonString());

    public Task<string> RunAsync(params string[] args) => RunProcessAsync(Workspace, ["-p", Root, "-u", User, "-c", Client, .. args], null);

    public Task<string> RunWithInputAsync(string stdin, params string[] args) => RunProcessAsync(Workspace, ["-p", Root, "-u", User, "-c", Client, .. args], stdin);

    /// <summary>
    /// What a job's client still holds on the server, one line each: files it has opened (and locked), its pending
    /// changes, the client spec itself. Empty once P4Flow cleaned up after the job; others' opens do not count.
    /// </summary>
    public async Task<IReadOnlyList<string>> LeftoversOfAsync(string client)
    {
        static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return
        [
            .. Lines(await RunAsync("opened", "-a")).Where(l => l.EndsWith("@" + client, StringComparison.Ordinal) || l.Contains("@" + client + " ", StringComparison.Ordinal)),
            .. Lines(await RunAsync("changes", "-s", "pending")).Where(l => l.Contains("@" + client + " ", StringComparison.Ordinal)),
            .. Lines(await RunAsync("clients")).Where(l => l.StartsWith($"Client {client} ", StringComparison.Ordinal)),
        ];
    }

    /// <summary>Runs p4 as someone working in a job's workspace (to resolve its conflicts by hand).</summary>
    public Task<string> RunInJobWorkspaceAsync(string jobWorkspace, string jobUser, string jobClient, params string[] args) =>
        RunProcessAsync(jobWorkspace, ["-p", Root, "-u", jobUser, "-c", jobClient, .. args], null);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(Root)!, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the temp folder's own cleanup.
        }
    }

    /// <summary>
    /// Secures the depot as an administrator would (src/P4Sim/README.md): the developer gets a password and a ticket,
    /// sets each user's password, then raises the security level (3: tickets only).
    /// </summary>
    public async Task SecureAsync(int level, params (string User, string Password)[] users)
    {
        await RunWithInputAsync($"{DeveloperPassword}\n{DeveloperPassword}\n", "passwd");
        await RunWithInputAsync(DeveloperPassword + "\n", "login");
        foreach (var (user, password) in users) await RunWithInputAsync($"{password}\n{password}\n", "passwd", user);
        await RunAsync("configure", "set", $"security={level.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    /// <summary>The developer's password once the depot is secured.</summary>
    public const string DeveloperPassword = "Dev-pass-1";

    /// <summary>The developer's own tickets and trust files, beside the depot: never the tester's home.</summary>
    private Dictionary<string, string> DeveloperEnvironment => new()
    {
        ["P4CONFIG"] = "",
        ["P4TICKETS"] = Path.Combine(Path.GetDirectoryName(Root)!, "dev.tickets"),
        ["P4TRUST"] = Path.Combine(Path.GetDirectoryName(Root)!, "dev.trust"),
    };

    private async Task<string> RunProcessAsync(string workDir, string[] args, string? stdin)
    {
        var result = await ProgramRun.RunAsync(Launcher, args, workDir, stdin, environment: DeveloperEnvironment);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"p4 {string.Join(' ', args)} (depot {Root}) exited {result.ExitCode}: {result.Output}");
        return result.Output;
    }
}
