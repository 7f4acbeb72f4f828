using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace P4Flow.P4Sim.Tests.Commands;

/// <summary>integrate with revision ranges, and virtual integrate (-v) with what it writes to the workspace.</summary>
public sealed class IntegrateRangeAndVirtualTests(ITestOutputHelper output) : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void Integrate_ChangeRange_OnlyThoseRevisions()
    {
        _p4.BranchedFile();                                                     // changes 1, 2
        _p4.Submit("c3", ("main/a.c", SimHarness.TenLines((1, "three"))));
        _p4.Submit("c4", ("main/a.c", SimHarness.TenLines((1, "three"), (5, "four"))));
        _p4.Submit("c5", ("main/a.c", SimHarness.TenLines((1, "three"), (5, "four"), (9, "five"))));

        var result = SimHarness.Ok(_p4.Run("integrate", "//depot/main/a.c@3,4", "//depot/rel/a.c"));

        Assert.Equal(["//depot/rel/a.c#1 - integrate from //depot/main/a.c#2,#3"], result.Out);
        Assert.Equal(SimHarness.TenLines((1, "three"), (5, "four")), ResolvedTheirs());
    }

    [Fact]
    public void Integrate_RangeForms_SameRevisions()
    {
        _p4.BranchedFile();
        _p4.Submit("c3", ("main/a.c", SimHarness.TenLines((1, "three"))));
        _p4.Submit("c4", ("main/a.c", SimHarness.TenLines((1, "three"), (5, "four"))));

        string Preview(params string[] args) => SimHarness.Ok(_p4.Run(["integrate", "-n", .. args])).Out.Single();

        // Skipping #2 makes it a cherry-pick, merged against the revision before the range.
        Assert.Equal("//depot/rel/a.c#1 - integrate from //depot/main/a.c#3 using base //depot/main/a.c#2", Preview("//depot/main/a.c@4,@4", "//depot/rel/a.c"));
        Assert.Equal("//depot/rel/a.c#1 - integrate from //depot/main/a.c#3 using base //depot/main/a.c#2", Preview("//depot/main/a.c#3,3", "//depot/rel/a.c"));
        Assert.Equal("//depot/rel/a.c#1 - integrate from //depot/main/a.c#2,#3", Preview("//depot/main/a.c@>2", "//depot/rel/a.c"));
        Assert.Equal("//depot/rel/a.c#1 - integrate from //depot/main/a.c#2", Preview("//depot/main/a.c@3", "//depot/rel/a.c"));
    }

    [Fact]
    public void IntegrateBranch_RangeOnTargetOrAlone_RefersToSourceChanges()
    {
        _p4.BranchedFile();
        SimHarness.Ok(_p4.RunWithInput("Branch:\tmain-rel\n\nView:\n\t//depot/main/... //depot/rel/...\n", "branch", "-i"));
        _p4.Submit("c3", ("main/a.c", SimHarness.TenLines((1, "three"))));
        _p4.Submit("c4", ("main/a.c", SimHarness.TenLines((1, "three"), (5, "four"))));

        Assert.Equal(
            ["//depot/rel/a.c#1 - integrate from //depot/main/a.c#2"],
            SimHarness.Ok(_p4.Run("integrate", "-n", "-b", "main-rel", "//depot/rel/a.c@3,3")).Out);
        Assert.Equal(
            ["//depot/rel/a.c#1 - integrate from //depot/main/a.c#3 using base //depot/main/a.c#2"],
            SimHarness.Ok(_p4.Run("integrate", "-n", "-b", "main-rel", "@4,4")).Out);
    }

    [Fact]
    public void IntegrateV_Branch_NothingWrittenAndSubmitWorks()
    {
        _p4.Submit("add", ("main/a.c", "one\n"), ("main/b.c", "two\n"));
        var before = Writes();

        var result = SimHarness.Ok(_p4.Run("integrate", "-v", "//depot/main/...", "//depot/rel/..."));

        Assert.Equal(
            ["//depot/rel/a.c#1 - branch/sync from //depot/main/a.c#1", "//depot/rel/b.c#1 - branch/sync from //depot/main/b.c#1"],
            result.Out);
        Assert.False(File.Exists(_p4.Local("rel/a.c")));
        Assert.Equal(before, Writes());

        SimHarness.Ok(_p4.Run("submit", "-d", "virtual branch"));
        Assert.Equal("one\n", SimHarness.Ok(_p4.Run("print", "-q", "//depot/rel/a.c")).Stdout);
        // The workspace never got the files, so a sync brings them now.
        Assert.Equal(2, SimHarness.Ok(_p4.Run("sync")).Out.Length);
        Assert.Equal("two\n", _p4.Read("rel/b.c"));
    }

    [Fact]
    public void IntegrateV_HaveNothing_TargetNeedingResolveIsSyncedThenMerged()
    {
        _p4.BranchedFile();
        _p4.Submit("main edit", ("main/a.c", SimHarness.TenLines((1, "main"))));
        SimHarness.Ok(_p4.Run("sync", "//depot/rel/...#0"));

        var result = SimHarness.Ok(_p4.Run("integrate", "-v", "//depot/main/...", "//depot/rel/..."));

        Assert.Equal(["//depot/rel/a.c#1 - sync/integrate from //depot/main/a.c#2"], result.Out);
        Assert.Equal(SimHarness.TenLines(), _p4.Read("rel/a.c"));
        SimHarness.Ok(_p4.Run("resolve", "-am"));
        Assert.Equal(["Submitting change 4.", "Locking 1 files ...", "integrate //depot/rel/a.c#2", "Change 4 submitted."],
            SimHarness.Ok(_p4.Run("submit", "-d", "merge")).Out);
    }

    [Fact]
    public void IntegrateV_Delete_WorkspaceFileStaysUntilSync()
    {
        _p4.BranchedFile();
        SimHarness.Ok(_p4.Run("delete", "//depot/main/a.c"));
        SimHarness.Ok(_p4.Run("submit", "-d", "remove"));

        Assert.Equal(["//depot/rel/a.c#1 - delete from //depot/main/a.c#2"], SimHarness.Ok(_p4.Run("integrate", "-v", "//depot/main/...", "//depot/rel/...")).Out);
        Assert.True(File.Exists(_p4.Local("rel/a.c")));
        SimHarness.Ok(_p4.Run("submit", "-d", "virtual delete"));
        Assert.Equal([$"//depot/rel/a.c#1 - deleted as {_p4.Local("rel/a.c")}"], SimHarness.Ok(_p4.Run("sync", "//depot/rel/...")).Out);
    }

    [Fact]
    public void IntegrateV_LargeBranch_WritesOnlyChangedFiles()
    {
        // 2,000 keeps the suite quick; the same flow at 10,000 files is what README reports.
        const int files = 2_000;
        const int changed = 10;
        var main = _p4.Local("main");
        Directory.CreateDirectory(main);
        for (var i = 0; i < files; i++)
        {
            File.WriteAllText(Path.Combine(main, $"f{i:D5}.c"), $"file {i}\nline two\n");
        }

        var clock = Stopwatch.StartNew();
        SimHarness.Ok(_p4.Run("add", _p4.Local("main/...")));
        SimHarness.Ok(_p4.Run("submit", "-d", "add main"));
        output.WriteLine($"add+submit {files} files: {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        SimHarness.Ok(_p4.Run("integrate", "-v", "//depot/main/...", "//depot/rel/..."));
        output.WriteLine($"integrate -v (branch) {files} files: {clock.ElapsedMilliseconds} ms");
        SimHarness.Ok(_p4.Run("submit", "-d", "branch"));

        for (var i = 0; i < changed; i++)
        {
            SimHarness.Ok(_p4.Run("edit", $"//depot/main/f{i:D5}.c"));
            _p4.Write($"main/f{i:D5}.c", $"file {i} changed\nline two\n");
        }

        SimHarness.Ok(_p4.Run("submit", "-d", "ten edits"));
        SimHarness.Ok(_p4.Run("sync", "-k", "//depot/rel/...#0"));
        var before = Writes();

        clock.Restart();
        var integrate = SimHarness.Ok(_p4.Run("integrate", "-v", "//depot/main/...", "//depot/rel/..."));
        output.WriteLine($"integrate -v {files}-file branch, {changed} changed: {clock.ElapsedMilliseconds} ms");
        SimHarness.Ok(_p4.Run("resolve", "-am"));
        SimHarness.Ok(_p4.Run("submit", "-d", "merge ten"));

        Assert.Equal(changed, integrate.Out.Length);
        var written = Writes();
        output.WriteLine($"workspace writes: {written.Files - before.Files} files, {written.Bytes - before.Bytes} bytes");
        // Each changed target is synced for its resolve, and the merge result written once.
        Assert.Equal(2 * changed, written.Files - before.Files);
    }

    /// <summary>Resolves the open target by taking theirs and returns the workspace file.</summary>
    private string ResolvedTheirs()
    {
        SimHarness.Ok(_p4.Run("resolve", "-at"));
        return _p4.Read("rel/a.c");
    }

    /// <summary>The simulator's counter of files and bytes written into workspaces, from depot.json.</summary>
    private (long Files, long Bytes) Writes()
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_p4.DepotRoot, "depot.json")));
        var writes = json.RootElement.GetProperty("WorkspaceWrites");
        return (writes.GetProperty("Files").GetInt64(), writes.GetProperty("Bytes").GetInt64());
    }
}
