using System.Text.Json;

namespace P4Flow.P4Sim.Tests.Commands;

/// <summary>fstat -Or (integration records pending submit), -Ol (fileSize, digest), file revision arguments, and changes on one.</summary>
public sealed class FstatResolveFieldsTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    /// <summary>main/a.c branched to rel (changes 1, 2), main edited (main#2) and maybe rel, then main integrated into rel.</summary>
    private void Diverge((int Line, string Text)[] main, (int Line, string Text)[] rel)
    {
        _p4.BranchedFile();
        _p4.Submit("main edit", ("main/a.c", SimHarness.TenLines(main)));
        if (rel.Length > 0)
        {
            _p4.Submit("rel edit", ("rel/a.c", SimHarness.TenLines(rel)));
        }

        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));
    }

    private static string[] ResolveFields(P4Result result) =>
        result.Out.Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\.\.\. resolve[A-Z]")).ToArray();

    [Fact]
    public void FstatOr_PendingContentResolve_UnresolvedRecordWithBaseAndInclusiveStart()
    {
        Diverge([(5, "main")], [(5, "rel")]);

        var result = SimHarness.Ok(_p4.Run("fstat", "-Ru", "-Or", "//ws/rel/..."));

        Assert.Equal(
            ["... resolveAction0 unresolved", "... resolveBaseFile0 //depot/main/a.c", "... resolveBaseRev0 1",
             "... resolveFromFile0 //depot/main/a.c", "... resolveStartFromRev0 2", "... resolveEndFromRev0 2",
             "... resolveType0 content"],
            ResolveFields(result));
        // The records close the record, after the bare unresolved key.
        Assert.Equal(Array.IndexOf(result.Out, "... unresolved") + 1, Array.IndexOf(result.Out, "... resolveAction0 unresolved"));
        Assert.Equal("... resolveType0 content", result.Out[^1]);
        // The same pending integration as resolve -n shows it: there the start is the revision before the range.
        Assert.Contains("... startFromRev 1", _p4.Run("-ztag", "resolve", "-n").Out);
    }

    [Fact]
    public void FstatOr_BaselessIntegrate_NoBaseFields()
    {
        _p4.Submit("two adds", ("main/b.c", "main\n"), ("rel/b.c", "rel\n"));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/b.c", "//depot/rel/b.c"));

        var result = SimHarness.Ok(_p4.Run("fstat", "-Or", "//depot/rel/b.c"));

        Assert.Equal(
            ["... resolveAction0 unresolved", "... resolveFromFile0 //depot/main/b.c", "... resolveStartFromRev0 1",
             "... resolveEndFromRev0 1", "... resolveType0 content"],
            ResolveFields(result));
    }

    [Theory]
    [InlineData("-at", "copy from")]
    [InlineData("-ay", "ignored")]
    [InlineData("-am", "merge from")]
    public void FstatOr_AfterResolve_HowIsTheActionAndBaseKept(string mode, string how)
    {
        Diverge([(2, "main")], [(9, "rel")]);
        SimHarness.Ok(_p4.Run("resolve", mode));

        var result = SimHarness.Ok(_p4.Run("fstat", "-Or", "//depot/rel/a.c"));

        Assert.Contains("... resolved", result.Out);
        Assert.DoesNotContain("... unresolved", result.Out);
        Assert.Equal(
            [$"... resolveAction0 {how}", "... resolveBaseFile0 //depot/main/a.c", "... resolveBaseRev0 1",
             "... resolveFromFile0 //depot/main/a.c", "... resolveStartFromRev0 2", "... resolveEndFromRev0 2",
             "... resolveType0 content"],
            ResolveFields(result));
    }

    [Fact]
    public void FstatOr_BranchOpen_BranchFromRecordWithoutBase()
    {
        _p4.Submit("add main", ("main/a.c", SimHarness.TenLines()));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));

        var result = SimHarness.Ok(_p4.Run("fstat", "-Or", "//depot/rel/a.c"));

        Assert.Equal(
            ["... resolveAction0 branch from", "... resolveFromFile0 //depot/main/a.c", "... resolveStartFromRev0 1",
             "... resolveEndFromRev0 1", "... resolveType0 branch"],
            ResolveFields(result));
    }

    [Fact]
    public void FstatOr_NotOpenedOrWithoutOr_NoResolveFields()
    {
        Diverge([(5, "main")], []);

        Assert.Empty(ResolveFields(SimHarness.Ok(_p4.Run("fstat", "-Or", "//depot/main/a.c"))));
        Assert.Empty(ResolveFields(SimHarness.Ok(_p4.Run("fstat", "-Ru", "//depot/rel/a.c"))));
    }

    [Fact]
    public void FstatOl_KnownContent_UpperCaseMd5AndByteCountAfterHaveRev()
    {
        _p4.Submit("add", ("main/a.c", "hello\n"));

        var result = SimHarness.Ok(_p4.Run("fstat", "-Ol", "//depot/main/a.c"));

        // md5("hello\n") = b1946ac92492d2347c6235b4d2611184
        Assert.Equal(
            ["... depotFile //depot/main/a.c", $"... clientFile {_p4.Local("main/a.c")}", "... isMapped", "... headAction add",
             "... headType text", $"... headTime {SimHarness.Now}", "... headRev 1", "... headChange 1",
             $"... headModTime {SimHarness.Now}", "... haveRev 1", "... digest B1946AC92492D2347C6235B4D2611184", "... fileSize 6"],
            result.Out);
        Assert.DoesNotContain(SimHarness.Ok(_p4.Run("fstat", "//depot/main/a.c")).Out, l => l.StartsWith("... digest", StringComparison.Ordinal));
    }

    [Fact]
    public void FstatOl_BinaryContent_SizeCountsEveryByte()
    {
        _p4.Write("b.bin", [0, 1, 2, 255]);
        SimHarness.Ok(_p4.Run("add", _p4.Local("b.bin")));
        SimHarness.Ok(_p4.Run("submit", "-d", "binary"));

        var result = SimHarness.Ok(_p4.Run("fstat", "-Ol", "//depot/b.bin"));

        // md5 of the bytes 00 01 02 ff, as `printf '\x00\x01\x02\xff' | md5sum` prints it (lower case)
        Assert.Equal(
            ["... digest 0416DAB819887333AF831F8C765AC2AE", "... fileSize 4"],
            result.Out.Where(l => l.StartsWith("... digest", StringComparison.Ordinal) || l.StartsWith("... fileSize", StringComparison.Ordinal)));
    }

    [Fact]
    public void Fstat_RevisionArgument_HeadFieldsAndDigestOfThatRevision()
    {
        _p4.Submit("first", ("main/a.c", "one\n"));
        _p4.Submit("other file", ("main/b.c", "b\n"));
        _p4.Submit("second", ("main/a.c", "one\ntwo\n"));

        var byRev = SimHarness.Ok(_p4.Run("fstat", "-Ol", "//depot/main/a.c#1"));
        var byChange = SimHarness.Ok(_p4.Run("fstat", "-Ol", "//depot/main/a.c@2"));
        var head = SimHarness.Ok(_p4.Run("fstat", "-Ol", "//depot/main/a.c"));

        // md5("one\n") = 5bbf5a52328e7439ae6e719dfe712200, md5("one\ntwo\n") = 2094b601daac3d68f5aed51d3c20f7cd
        Assert.Equal(["... headAction add", "... headRev 1", "... headChange 1", "... haveRev 2", "... digest 5BBF5A52328E7439AE6E719DFE712200", "... fileSize 4"], Picked(byRev));
        Assert.Equal(Picked(byRev), Picked(byChange));
        Assert.Equal(["... headAction edit", "... headRev 2", "... headChange 3", "... haveRev 2", "... digest 2094B601DAAC3D68F5AED51D3C20F7CD", "... fileSize 8"], Picked(head));

        static string[] Picked(P4Result result) => result.Out
            .Where(l => l.Split(' ')[1] is "headAction" or "headRev" or "headChange" or "haveRev" or "digest" or "fileSize")
            .ToArray();
    }

    [Fact]
    public void Fstat_RevisionWithNoFileRevision_NoSuchFile()
    {
        _p4.Submit("other file", ("main/b.c", "b\n"));
        _p4.Submit("first", ("main/a.c", "one\n"));

        var pastHead = _p4.Run("fstat", "//depot/main/a.c#3");
        var beforeAdd = _p4.Run("fstat", "//depot/main/a.c@1");

        Assert.Empty(pastHead.Stdout);
        Assert.Equal(["//depot/main/a.c#3 - no such file(s)."], pastHead.Err);
        Assert.Equal(0, pastHead.Exit);
        Assert.Equal(["//depot/main/a.c@1 - no such file(s)."], beforeAdd.Err);
    }

    [Fact]
    public void Fstat_CombinedOutputLetters_SameAsSeparateFlags()
    {
        Diverge([(5, "main")], [(5, "rel")]);

        var separate = SimHarness.Ok(_p4.Run("fstat", "-Ru", "-Or", "-Ol", "//ws/..."));

        Assert.Equal(separate.Stdout, SimHarness.Ok(_p4.Run("fstat", "-Ru", "-Olr", "//ws/...")).Stdout);
        Assert.Equal(separate.Stdout, SimHarness.Ok(_p4.Run("fstat", "-Ru", "-Or", "-l", "//ws/...")).Stdout);
        Assert.Contains(separate.Out, l => l.StartsWith("... digest ", StringComparison.Ordinal));
        Assert.Contains("... resolveAction0 unresolved", separate.Out);
    }

    [Fact]
    public void FstatJson_RuOrOl_OneObjectWithNumberedResolveFields()
    {
        Diverge([(5, "main")], [(5, "rel")]);

        var result = SimHarness.Ok(_p4.Run("-ztag", "-Mj", "fstat", "-Ru", "-Or", "-Ol", "//ws/..."));

        var line = Assert.Single(result.Out);
        using var json = JsonDocument.Parse(line);
        var fields = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal("//depot/rel/a.c", fields["depotFile"]);
        Assert.Equal("", fields["unresolved"]);
        Assert.Equal("unresolved", fields["resolveAction0"]);
        Assert.Equal("//depot/main/a.c", fields["resolveBaseFile0"]);
        Assert.Equal("1", fields["resolveBaseRev0"]);
        Assert.Equal("2", fields["resolveStartFromRev0"]);
        Assert.Equal("2", fields["resolveEndFromRev0"]);
        Assert.Equal("content", fields["resolveType0"]);
        Assert.Equal(SimHarness.TenLines((5, "rel")).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), fields["fileSize"]);
        Assert.Matches("^[0-9A-F]{32}$", fields["digest"]);
        Assert.EndsWith(",\"resolveType0\":\"content\"}", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangesLong_FileRevisionArgument_LastChangeUpToThatRevisionWithFullDescription()
    {
        _p4.Submit("first", ("main/a.c", "one\n"));
        _p4.Submit("other file", ("main/b.c", "b\n"));
        _p4.Submit("second change\n\nwith details", ("main/a.c", "one\ntwo\n"));
        _p4.Submit("third", ("main/a.c", "one\ntwo\nthree\n"));

        var result = SimHarness.Ok(_p4.Run("changes", "-m1", "-l", "//depot/main/a.c#2"));
        var all = SimHarness.Ok(_p4.Run("changes", "//depot/main/a.c#2"));

        Assert.Equal("Change 3 on 2024/05/01 by bob@ws\n\n\tsecond change\n\t\n\twith details\n\n", result.Stdout);
        Assert.Equal(["Change 3 on 2024/05/01 by bob@ws 'second change  with details'", "Change 1 on 2024/05/01 by bob@ws 'first'"], all.Out);
    }
}
