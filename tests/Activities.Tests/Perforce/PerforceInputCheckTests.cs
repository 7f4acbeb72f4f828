using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;

namespace P4Flow.Activities.Tests.Perforce;

/// <summary>A job's Perforce inputs are refused before the job exists, each under the input's own key.</summary>
public sealed class PerforceInputCheckTests
{
    private static Dictionary<string, string[]> Check(JsonObject input, bool allowJobPorts = false)
    {
        var options = new PerforceOptions { DefaultServer = "main", AllowJobPorts = allowJobPorts };
        options.Servers["main"] = new() { Port = "main:1666" };
        options.Servers["archive"] = new() { Port = "archive:1666" };
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        new PerforceInputCheck(Options.Create(options)).Check(input, errors);
        return errors;
    }

    [Fact]
    public void Check_ValidInputs_NoErrors()
    {
        Assert.Empty(Check(new JsonObject { ["server"] = "archive", ["changes"] = "40,42", ["source"] = "//depot/main/..." }));
        Assert.Empty(Check(new JsonObject { ["server"] = "", ["changes"] = "" }));
        Assert.Empty(Check(new JsonObject { ["changes"] = ",42" }));
        Assert.Empty(Check([]));
    }

    [Fact]
    public void Check_UnknownServer_NamesConfiguredServers()
    {
        var errors = Check(new JsonObject { ["server"] = "staging" });

        var (key, messages) = Assert.Single(errors);
        Assert.Equal("input.server", key);
        Assert.Equal(["'staging' is not a configured Perforce server; perforce.servers has: archive, main."], messages);
    }

    [Fact]
    public void Check_PortWhileJobPortsOff_RefusedUnderP4port()
    {
        var errors = Check(new JsonObject { ["p4port"] = "ssl:elsewhere:1666" });

        var (key, messages) = Assert.Single(errors);
        Assert.Equal("input.p4port", key);
        Assert.Contains("perforce.allow_job_ports is off", Assert.Single(messages), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PortWhileJobPortsOn_NoErrors()
    {
        Assert.Empty(Check(new JsonObject { ["p4port"] = "throwaway:1666" }, allowJobPorts: true));
    }

    [Theory]
    [InlineData("42,40", "'changes': the range 42,40 runs backwards; write the lower changelist first.")]
    [InlineData("latest", "'changes' must be a changelist (42), a range (40,42) or everything up to one (,42); got 'latest'.")]
    [InlineData("0", "'changes': changelist numbers run from 1 to 2147483647; got '0'.")]
    public void Check_BadChanges_RefusedUnderChangesWithParseError(string changes, string message)
    {
        var errors = Check(new JsonObject { ["changes"] = changes });

        var (key, messages) = Assert.Single(errors);
        Assert.Equal("input.changes", key);
        Assert.Equal([message], messages);
    }

    [Fact]
    public void Check_ChangesAsJsonNumber_CheckedAsItsText()
    {
        Assert.Empty(Check(new JsonObject { ["changes"] = 42 }));
        Assert.Equal(["input.changes"], Check(new JsonObject { ["changes"] = -1 }).Keys);
    }

    [Fact]
    public void Check_SeveralBadInputs_ReportsEach()
    {
        var errors = Check(new JsonObject { ["server"] = "staging", ["p4port"] = "x:1666", ["changes"] = "x" });

        Assert.Equal(["input.changes", "input.p4port", "input.server"], errors.Keys.Order(StringComparer.Ordinal));
    }
}
