using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Parsers;

public sealed class FstatParserTests
{
    private static readonly string[] DemoUnresolved = ["//depot/rel/clean.c", "//depot/rel/conflict.c", "//depot/rel/logo.bin"];

    [Fact]
    public void Fstat_TaggedRecords_BareUnresolvedKeyMarksPendingResolves()
    {
        var output = P4Run.Parse("""
            {"depotFile":"//depot/rel/a.c","clientFile":"/ws/rel/a.c","headRev":"3","haveRev":"3","action":"integrate","change":"default","type":"text","unresolved":""}
            {"depotFile":"//depot/rel/b.c","clientFile":"/ws/rel/b.c","headRev":"2","haveRev":"2","action":"edit","change":"1234","type":"text"}
            """);

        var result = P4Parsers.Fstat(output);

        Assert.Equal(2, result.Files.Count);
        Assert.Equal(["//depot/rel/a.c"], result.Unresolved);
    }

    [Fact]
    public void Fstat_ZtagTextRecords_ReadAsRecords()
    {
        var output = P4Run.Parse("""
            ... depotFile //depot/rel/a.c
            ... clientFile /ws/rel/a.c
            ... headRev 3
            ... unresolved

            ... depotFile //depot/rel/b.c
            ... clientFile /ws/rel/b.c
            ... headRev 2

            """);

        var result = P4Parsers.Fstat(output);

        Assert.Equal(["//depot/rel/a.c", "//depot/rel/b.c"], result.Files.Select(f => f["depotFile"]));
        Assert.Equal("3", result.Files[0]["headRev"]);
        Assert.Equal(["//depot/rel/a.c"], result.Unresolved);
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Fstat_SimulatorAfterIntegrate_UnresolvedInBothForms(string form)
    {
        var result = P4Parsers.Fstat(Capture.Parse("fstat", form));

        Assert.Equal(8, result.Files.Count);
        Assert.Equal(DemoUnresolved, result.Unresolved);
        Assert.True(result.Files.Single(f => f["depotFile"] == "//depot/rel/new.c").ContainsKey("resolved"));
    }

    [Theory]
    [InlineData(Capture.Text)]
    [InlineData(Capture.Tagged)]
    public void Fstat_SimulatorUnresolvedOnly_EveryFileUnresolved(string form)
    {
        var result = P4Parsers.Fstat(Capture.Parse("fstat-unresolved", form));

        Assert.Equal(DemoUnresolved, result.Unresolved);
        Assert.Equal(3, result.Files.Count);
    }

    [Fact]
    public void Fstat_OpenedRecords_NoUnresolvedKey()
    {
        // `opened` never says whether a resolve is pending: only fstat (or resolve -n) does.
        var result = P4Parsers.Fstat(Capture.Parse("opened", Capture.Tagged));

        Assert.Equal(3, result.Files.Count);
        Assert.Empty(result.Unresolved);
    }
}
