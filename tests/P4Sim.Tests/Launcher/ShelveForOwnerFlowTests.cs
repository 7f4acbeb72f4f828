namespace P4Flow.P4Sim.Tests.Launcher;

/// <summary>
/// An integration bot's "shelve for the conflict's owner" flow, each step a real `p4` child process: the bot
/// forces the merge (conflict markers), shelves the resolved integration, reverts, hands the change to the owner
/// with change -U; the owner unshelves into another client, fixes the file and submits, which records the
/// integration so the bot's next integrate finds nothing to do.
/// </summary>
public sealed class ShelveForOwnerFlowTests : IDisposable
{
    private static readonly Dictionary<string, string> Alice = new() { ["P4USER"] = "alice", ["P4CLIENT"] = "ws2" };

    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    private Task<P4Result> Bot(params string[] args) => SimProcess.Launcher.RunAsync(_p4, "", args);

    private Task<P4Result> Owner(params string[] args) => SimProcess.Launcher.RunAsync(_p4, "", Alice, args);

    private static P4Result Ok(P4Result result) => SimHarness.Ok(result);

    [Fact]
    public async Task ShelveForOwner_ConflictUnshelvedFixedSubmitted_IntegrationRecorded()
    {
        _p4.BranchedFile();
        _p4.Submit("main", ("main/a.c", SimHarness.TenLines((5, "main"))));
        _p4.Submit("rel", ("rel/a.c", SimHarness.TenLines((5, "rel"))));
        var aliceRoot = Path.Combine(_p4.Folder, "ws2");
        _p4.CreateClient("ws2", aliceRoot, "alice");

        Ok(await Bot("integrate", "//depot/main/...", "//depot/rel/..."));
        Assert.Equal("//ws/rel/a.c - resolve skipped.", Ok(await Bot("resolve", "-am")).Out[^1]);
        Assert.Equal("//ws/rel/a.c - edit from //depot/main/a.c", Ok(await Bot("resolve", "-af")).Out[^1]);
        var created = await SimProcess.Launcher.RunAsync(_p4, "Change:\tnew\n\nDescription:\n\tConflict for alice\n", "change", "-i");
        Assert.Equal(["Change 5 created."], created.Out);
        Ok(await Bot("reopen", "-c", "5", "//depot/rel/a.c"));

        var shelved = await Bot("shelve", "-c", "5");
        var reverted = await Bot("revert", "//depot/rel/a.c");
        var handed = await Bot("change", "-U", "alice", "5");

        Assert.Equal(["Shelving files for change 5.", "integrate //depot/rel/a.c#2", "Change 5 files shelved."], shelved.Out);
        Assert.Equal(["//depot/rel/a.c#2 - was integrate, reverted"], reverted.Out);
        Assert.Equal((0, "Change 5 updated.\n", ""), (handed.Exit, handed.Stdout, handed.Stderr));
        Assert.Equal(["Change 5 on 2024/05/01 by alice@ws *pending* 'Conflict for alice'"], Ok(await Bot("changes", "-s", "shelved")).Out);

        var unshelved = await Owner("unshelve", "-s", "5");

        Assert.Equal((0, "//depot/rel/a.c#2 - unshelved, opened for integrate\n", ""), (unshelved.Exit, unshelved.Stdout, unshelved.Stderr));
        var local = Path.Combine(aliceRoot, "rel", "a.c");
        Assert.Contains("==== THEIRS //depot/main/a.c#2\nmain\n==== YOURS //ws/rel/a.c\nrel\n<<<<\n", await File.ReadAllTextAsync(local), StringComparison.Ordinal);
        Assert.Equal(["//depot/rel/a.c#2 - integrate default change (text)"], Ok(await Owner("opened")).Out);

        await File.WriteAllTextAsync(local, SimHarness.TenLines((5, "main and rel")));
        var submitted = await Owner("submit", "-d", "Fix the conflict");
        var again = await Bot("integrate", "//depot/main/...", "//depot/rel/...");

        Assert.Equal(["Submitting change 6.", "Locking 1 files ...", "integrate //depot/rel/a.c#3", "Change 6 submitted."], submitted.Out);
        Assert.Equal((0, "", "All revision(s) already integrated.\n"), (again.Exit, again.Stdout, again.Stderr));
        Assert.Equal(SimHarness.TenLines((5, "main and rel")), string.Join('\n', Ok(await Bot("print", "-q", "//depot/rel/a.c")).Out) + "\n");
    }
}
