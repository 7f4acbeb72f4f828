using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace P4Flow.Release.Tests;

/// <summary>
/// What a new user does with a release: unpack it away from any source tree, set up the orchestrator's folder as the
/// README's install section says, start it and an agent from the release, enrol a second agent over a real sshd from
/// the unpacked orchestrator, and drive integrations with `p4flow` alone, checking its exit codes and --json.
/// </summary>
public sealed class ReleaseTests(ReleaseFixture release) : IClassFixture<ReleaseFixture>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Archive_HoldsSelfContainedProgramsConfigAndUnitsThatVerify()
    {
        var archive = Path.Combine(release.Archives, $"p4flow-{ReleaseFixture.Version}-{ReleaseFixture.Runtime}.tar.gz");
        var entries = (await ProgramRun.RunCheckedAsync("tar", ["-tzf", archive])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(entries, e => Assert.StartsWith($"p4flow-{ReleaseFixture.Version}-{ReleaseFixture.Runtime}/", e, StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(release.Archives, $"p4flow-cli-{ReleaseFixture.Version}-{ReleaseFixture.Runtime}.tar.gz")), "the command line's own archive");
        var sums = await ProgramRun.RunAsync("sha256sum", ["-c", "SHA256SUMS"], release.Archives);
        Assert.True(sums.ExitCode == 0, sums.Output);

        // Self-contained: each program carries its runtime; the agent its native launcher on this architecture.
        foreach (var program in new[] { "orchestrator/P4Flow.Orchestrator", "agent/P4Flow.Agent", "bin/p4flow", "p4sim/p4" })
            Assert.True(IsExecutable(Path.Combine(release.Install, program)), $"{program} is an executable file");
        Assert.True(File.Exists(Path.Combine(release.Install, "orchestrator", "libcoreclr.so")));
        Assert.True(File.Exists(Path.Combine(release.Install, "agent", "libcoreclr.so")));
        Assert.True(IsExecutable(Path.Combine(release.Install, "agent", "p4flow-launch")), "the agent's launcher (a C compiler is on the test machine)");
        Assert.True(File.Exists(Path.Combine(release.Install, "orchestrator", "wwwroot", "_content", "P4Flow.Studio", "dist", "conflict.js")), "the Studio's assets");
        foreach (var file in new[] { "config/master.yaml", "config/agent.yaml", "config/agent_whitelist.yaml", "workflows/p4-integrate.json", "README.md" })
            Assert.True(File.Exists(Path.Combine(release.Install, file)), file);
        Assert.Contains($"P4Flow {ReleaseFixture.Version}", await File.ReadAllTextAsync(Path.Combine(release.Install, "VERSION")), StringComparison.Ordinal);
        var version = await ProgramRun.RunCheckedAsync(release.Cli, ["--version"]);
        Assert.StartsWith(ReleaseFixture.Version, version.Stdout.Trim(), StringComparison.Ordinal);
        var help = await ProgramRun.RunCheckedAsync(release.Cli, ["--help"]);
        Assert.Contains("3  the job waits in NEEDS_RESOLVE", help.Stdout, StringComparison.Ordinal);

        // The simulator and the command line run from the release with no .NET to be found.
        var noDotnet = new Dictionary<string, string> { ["PATH"] = "/nonexistent", ["DOTNET_ROOT"] = "/nonexistent" };
        var demo = Path.Combine(release.Root, "no-dotnet-depot");
        var p4 = await ProgramRun.RunAsync(release.P4, ["init-demo", demo], release.Root, environment: noDotnet);
        Assert.True(p4.ExitCode == 0 && Directory.Exists(demo), p4.Output);
        Assert.Equal(0, (await ProgramRun.RunAsync(release.Cli, ["--help"], environment: noDotnet)).ExitCode);

        // The units name the release's programs; systemd-analyze checks them against this unpacked release.
        const string Analyze = "/usr/bin/systemd-analyze";
        if (!File.Exists(Analyze)) return;
        var units = Path.Combine(release.Root, "units");
        Directory.CreateDirectory(units);
        foreach (var unit in new[] { "p4flow-orchestrator.service", "p4flow-agent.service" })
        {
            var text = await File.ReadAllTextAsync(Path.Combine(release.Install, "systemd", unit));
            Assert.Contains("ExecStart=/opt/p4flow/", text, StringComparison.Ordinal);
            foreach (var hardening in new[] { "NoNewPrivileges=true", "ProtectSystem=strict", "Restart=on-failure", "User=" })
                Assert.Contains(hardening, text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(units, unit), text.Replace("/opt/p4flow", release.Install, StringComparison.Ordinal));
            var verify = await ProgramRun.RunAsync(Analyze, ["verify", Path.Combine(units, unit)]);
            Assert.True(verify.ExitCode == 0 && verify.Output.Trim().Length == 0, $"systemd-analyze verify {unit}: exit {verify.ExitCode}\n{verify.Output}");
        }
    }

    [Fact]
    public async Task Unpacked_OrchestratorAgentsAndCommandLine_RunIntegrationsToTheDepot()
    {
        var state = Path.Combine(release.Root, "state-" + Guid.NewGuid().ToString("N")[..6]);
        var config = Path.Combine(release.Root, "xdg-" + Guid.NewGuid().ToString("N")[..6]);
        await using var setup = await Installation.SetUpAsync(release, state);
        await using var sshd = await LocalSshd.StartAsync() ?? throw new InvalidOperationException($"{LocalSshd.Program} is missing: apt-get install openssh-server");
        await using var orchestrator = setup.StartOrchestrator(sshd.KnownHosts);
        await setup.WaitReadyAsync(orchestrator);
        await using var builder = setup.StartAgent("builder");
        var cli = new Cli(release.Cli, config);

        // Not signed in yet: says so, exit 5.
        var anonymous = await cli.RunAsync("jobs", "list");
        Assert.True(anonymous.ExitCode == 5, anonymous.Output);
        Assert.Contains("p4flow login", anonymous.Stderr, StringComparison.Ordinal);

        // Sign in over HTTPS, trusting the P4Flow CA; the key is kept 0600.
        var login = await cli.WithStdinAsync(File.ReadAllText(Path.Combine(state, "data", "admin-api-key")) + "\n",
            "login", "--server", setup.HttpsUrl, "--ca-cert", Path.Combine(state, "certs", "ca.crt"), "--with-api-key");
        Assert.True(login.ExitCode == 0, login.Output);
        Assert.Equal("600", await ProgramRun.ShellAsync($"stat -c %a {config}/p4flow/credentials.json"));
        var me = JsonNode.Parse((await cli.CheckedAsync("whoami", "--json")).Stdout)!;
        Assert.Equal(("bootstrap-admin", "admin", "api-key"), (me["name"]!.ToString(), me["role"]!.ToString(), me["via"]!.ToString()));
        var workflows = JsonNode.Parse((await cli.CheckedAsync("workflows", "list", "--json")).Stdout)!.AsArray();
        Assert.Contains(workflows, w => w!["definitionId"]!.ToString() == "p4-integrate" && w["isPublished"]!.GetValue<bool>());

        // The server's refusals, plainly: the field it named, exit 6.
        var missing = await cli.RunAsync("run", "p4-integrate", "--input", "target=//depot/rel/...");
        Assert.True(missing.ExitCode == 6, missing.Output);
        Assert.Contains("source", missing.Stderr, StringComparison.Ordinal);
        var unknown = await cli.RunAsync("run", "no-such-workflow");
        Assert.True(unknown.ExitCode == 6 && unknown.Stderr.Contains("no-such-workflow", StringComparison.Ordinal), unknown.Output);
        var badInput = await cli.RunAsync("run", "p4-integrate", "--input", "labels:=[oops");
        Assert.True(badInput.ExitCode == 2 && badInput.Stderr.Contains("labels", StringComparison.Ordinal), badInput.Output);

        // An integration on the agent started from the release: it parks on the demo depot's conflict (exit 3, with the
        // conflicts in its JSON); resolved by hand in its workspace, `jobs continue --wait` takes it to COMPLETED (exit 0).
        var depotA = await DemoDepotAsync("a");
        var parked = await cli.RunAsync("run", "p4-integrate", "--input", "source=//depot/main/...", "--input", "target=//depot/rel/...",
            "--input", $"p4port={depotA}", "--input", "description=From the release", "--input", "agentRequirements:={\"labels\":[\"builder\"]}",
            "--wait", "--json", "--interval", "0.5", "--timeout", "360");
        Assert.True(parked.ExitCode == 3, parked.Output + "\n" + orchestrator.Output);
        var job = JsonNode.Parse(parked.Stdout)!;
        var jobId = job["id"]!.ToString();
        Assert.Equal("NEEDS_RESOLVE", job["stage"]!.ToString());
        Assert.Contains(job["conflictFiles"]!.AsArray(), f => f!["depotFile"]!.ToString() == "//depot/rel/conflict.c");
        var resolve = await ProgramRun.RunAsync(release.P4, ["-p", depotA, "-u", "p4flow", "-c", $"p4flow-{jobId}", "resolve", "-at"], Path.Combine(builder.Workspace, jobId));
        Assert.True(resolve.ExitCode == 0, resolve.Output);
        var continued = await cli.RunAsync("jobs", "continue", jobId, "--wait", "--json", "--interval", "0.5", "--timeout", "360");
        Assert.True(continued.ExitCode == 0, continued.Output);
        var done = JsonNode.Parse(continued.Stdout)!;
        Assert.Equal(("Finished", "COMPLETED"), (done["status"]!.ToString(), done["stage"]!.ToString()));
        Assert.Contains("From the release", (await ProgramRun.RunCheckedAsync(release.P4, ["-p", depotA, "-u", "demo", "changes", "-m1", "-l", "//depot/rel/..."])).Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await cli.RunAsync("jobs", "show", jobId)).ExitCode);
        var listed = JsonNode.Parse((await cli.CheckedAsync("jobs", "list", "--json", "--status", "Finished")).Stdout)!;
        Assert.Contains(listed["items"]!.AsArray(), j => j!["id"]!.ToString() == jobId);

        // A second agent, enrolled over SSH by the unpacked orchestrator's own command line: the agent it uploads is the
        // one in its release folder (no bootstrap.agent_package, no source tree to publish from).
        var name = "ssh-" + Guid.NewGuid().ToString("N")[..6];
        var agentBase = $"/home/p4agent/p4flow/{name}";
        try
        {
            var enrol = await ProgramRun.RunAsync(setup.Orchestrator, ["agents", "bootstrap", "--host", "127.0.0.1", "--port", sshd.Port.ToString(CultureInfo.InvariantCulture),
                "--user", Environment.UserName, "--key", sshd.ClientKey, "--name", name, "--labels", "linux,ssh", "--api", setup.HttpUrl], state, timeout: TimeSpan.FromMinutes(5));
            Assert.True(enrol.ExitCode == 0, enrol.Output);
            Assert.Contains($"bootstrap of {name} succeeded", enrol.Stdout, StringComparison.Ordinal);
            var agents = JsonNode.Parse((await cli.CheckedAsync("agents", "list", "--json")).Stdout)!.AsArray();
            Assert.Equal(["builder", name], agents.Where(a => a!["state"]!.ToString() == "HEALTHY").Select(a => a!["id"]!.ToString()).Order(StringComparer.Ordinal));

            // On it, the same conflict settled from the command line (theirs), without a workspace: the job moves on.
            var depotB = await DemoDepotAsync("b");
            var second = await cli.RunAsync("run", "p4-integrate", "--input", "source=//depot/main/...", "--input", "target=//depot/rel/...",
                "--input", $"p4port={depotB}", "--input", "agentRequirements:={\"labels\":[\"ssh\"]}", "--wait", "--json", "--interval", "0.5", "--timeout", "360");
            Assert.True(second.ExitCode == 3, second.Output);
            var secondId = JsonNode.Parse(second.Stdout)!["id"]!.ToString();
            var settled = await cli.RunAsync("jobs", "settle", secondId, "//depot/rel/conflict.c", "--theirs");
            Assert.True(settled.ExitCode == 0, settled.Output);
            var watched = await cli.RunAsync("jobs", "watch", secondId, "--json", "--interval", "0.5", "--timeout", "360");
            Assert.True(watched.ExitCode == 0, watched.Output);
            Assert.Equal(name, JsonNode.Parse(watched.Stdout)!["activities"]!.AsArray().Select(a => a!["outputs"]?["agent"]?.ToString()).First(a => a is not null));
            Assert.Equal(
                (await ProgramRun.RunCheckedAsync(release.P4, ["-p", depotB, "-u", "demo", "print", "-q", "//depot/main/conflict.c"])).Stdout,
                (await ProgramRun.RunCheckedAsync(release.P4, ["-p", depotB, "-u", "demo", "print", "-q", "//depot/rel/conflict.c"])).Stdout);

            var removed = await ProgramRun.RunAsync(setup.Orchestrator, ["agents", "remove", name, "--api", setup.HttpUrl], state, timeout: TimeSpan.FromMinutes(3));
            Assert.True(removed.ExitCode == 0, removed.Output);
        }
        finally
        {
            await AgentInstall.RemoveLeftoversAsync(agentBase);
        }

        var logout = await cli.CheckedAsync("logout");
        Assert.Contains("Signed out", logout.Stdout, StringComparison.Ordinal);
        Assert.Equal(5, (await cli.RunAsync("whoami")).ExitCode);
    }

    /// <summary>The simulator's demo depot (main and rel, a clean change, a conflict, a binary file), made by the release's p4.</summary>
    private async Task<string> DemoDepotAsync(string name)
    {
        var folder = Path.Combine(release.Root, "depot-" + name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(folder, "ws"));
        await ProgramRun.RunCheckedAsync(release.P4, ["init-demo", Path.Combine(folder, "depot")], Path.Combine(folder, "ws"));
        // Agents run commands as an unprivileged user (nobody, or the enrolled p4agent): they submit into it.
        await ProgramRun.ShellAsync($"chmod -R a+rwX {folder}");
        return Path.Combine(folder, "depot");
    }

    private static bool IsExecutable(string path) => File.Exists(path) && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;

    /// <summary>The unpacked `p4flow`, with a config folder of its own (as a user's ~/.config).</summary>
    private sealed class Cli(string program, string configHome)
    {
        public Task<ProgramResult> RunAsync(params string[] args) => WithStdinAsync(null, args);

        public Task<ProgramResult> WithStdinAsync(string? stdin, params string[] args) =>
            ProgramRun.RunAsync(program, args, stdin: stdin, timeout: JobTimeout, environment: new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = configHome, ["NO_COLOR"] = "1" });

        public async Task<ProgramResult> CheckedAsync(params string[] args)
        {
            var result = await RunAsync(args);
            Assert.True(result.ExitCode == 0, $"p4flow {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Output}");
            return result;
        }
    }
}
