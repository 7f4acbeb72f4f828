using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Agent.Execution;

namespace P4Flow.Agent.Tests.Execution;

public sealed class ContainmentTests
{
    [Fact]
    public async Task Prepare_AsRoot_JobSwappedTmpForALink_OnlyTheLinkChangesOwner()
    {
        if (Environment.UserName != "root") return; // the job folder is given away only by a root agent
        var root = Path.Combine(Path.GetTempPath(), "p4flow-containment-" + Guid.NewGuid().ToString("N")[..8]);
        var workDir = Directory.CreateDirectory(Path.Combine(root, "job")).FullName;
        var victim = Directory.CreateDirectory(Path.Combine(root, "victim")).FullName;
        File.CreateSymbolicLink(Path.Combine(workDir, ".tmp"), victim);
        var containment = new Containment(Options.Create(new ExecutionOptions { AllowRoot = true, RunAs = "nobody" }), NullLogger<Containment>.Instance);

        containment.Prepare(1, "/bin/true", [], workDir);

        Assert.Equal("nobody", await OwnerAsync(workDir));
        Assert.Equal("root", await OwnerAsync(victim));
        Directory.Delete(root, recursive: true);
    }

    private static async Task<string> OwnerAsync(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%U", path]) { RedirectStandardOutput = true })!;
        var owner = (await stat.StandardOutput.ReadToEndAsync()).Trim();
        await stat.WaitForExitAsync();
        return owner;
    }
}
