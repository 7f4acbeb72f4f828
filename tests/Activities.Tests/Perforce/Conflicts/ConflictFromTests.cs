using P4Flow.Activities.Perforce.Conflicts;

namespace P4Flow.Activities.Tests.Perforce.Conflicts;

/// <summary>Which integration of a file the page shows, read from `fstat -Or` (resolved records first, then pending).</summary>
public sealed class ConflictFromTests
{
    private static Dictionary<string, string> Record(string type, params (string Action, string From, int End, int? BaseRev)[] integrations)
    {
        var record = new Dictionary<string, string>
        {
            ["depotFile"] = "//depot/rel/a.c",
            ["clientFile"] = "/ws/job/rel/a.c",
            ["haveRev"] = "3",
            ["type"] = type,
            ["unresolved"] = "",
        };
        for (var i = 0; i < integrations.Length; i++)
        {
            var (action, from, end, baseRev) = integrations[i];
            record[$"resolveAction{i}"] = action;
            record[$"resolveFromFile{i}"] = from;
            record[$"resolveEndFromRev{i}"] = end.ToString(System.Globalization.CultureInfo.InvariantCulture);
            record[$"resolveType{i}"] = "content";
            if (baseRev is { } b)
            {
                record[$"resolveBaseFile{i}"] = from;
                record[$"resolveBaseRev{i}"] = b.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return record;
    }

    [Fact]
    public void ResolvedRecordFirst_ShowsThePendingOne()
    {
        var file = ConflictDesk.ConflictFrom(Record("text", ("copy from", "//depot/dev/a.c", 2, 1), ("unresolved", "//depot/main/a.c", 5, 4)), unwritten: false)!;

        Assert.Equal(("//depot/main/a.c#5", "//depot/main/a.c#4", "//depot/rel/a.c#3"), (file.Theirs, file.Base, file.Yours));
        Assert.Equal(1, file.Pending);
        Assert.True(file.Editable);
    }

    [Fact]
    public void TwoPending_TheFirstShown_NotEditable()
    {
        var file = ConflictDesk.ConflictFrom(Record("text", ("unresolved", "//depot/main/a.c", 5, 4), ("unresolved", "//depot/dev/a.c", 2, 1)), unwritten: false)!;

        Assert.Equal("//depot/main/a.c#5", file.Theirs);
        Assert.Equal(2, file.Pending);
        Assert.False(file.Editable);
    }

    [Theory]
    [InlineData("binary+l", "binary", false)]
    [InlineData("ubinary", "binary", false)]
    [InlineData("text+x", "content", true)]
    [InlineData("utf8", "content", true)]
    [InlineData("utf16", "content", false)]
    [InlineData("symlink", "content", false)]
    public void Types_ReasonAndWhetherEditable(string type, string reason, bool editable)
    {
        var file = ConflictDesk.ConflictFrom(Record(type, ("unresolved", "//depot/main/a.c", 5, 4)), unwritten: false)!;

        Assert.Equal((reason, editable), (file.Reason, file.Editable));
    }

    [Fact]
    public void UnwrittenEdit_ShowsTheIntegrationTheEditResolved()
    {
        var record = Record("text", ("edit from", "//depot/main/a.c", 5, 4));

        Assert.Null(ConflictDesk.ConflictFrom(record, unwritten: false));
        var file = ConflictDesk.ConflictFrom(record, unwritten: true)!;
        Assert.True(file.Unwritten);
        Assert.Equal("//depot/main/a.c#5", file.Theirs);
    }
}
