using System.Text.RegularExpressions;

namespace P4Flow.Orchestrator.Tests.Hygiene;

/// <summary>The README's two commands are the ones that work: the demo's, and the tests' one command, which CI runs.</summary>
public sealed partial class ReadmeCommandsTests
{
    private static string Root => OrchestratorBuild.RepositoryRoot;

    [Fact]
    public void TwoCommands_DemoThenTests_AreTheDemoAndTestSh()
    {
        var commands = TwoCommandsBlocks();

        Assert.Equal(["dotnet run --project src/Orchestrator -- demo", "./test.sh"], commands);
    }

    [Fact]
    public void CiRun_RunsTestShAndNothingElse()
    {
        var commands = Commands(File.ReadAllText(Path.Combine(Root, ".ci", "run")))
            .Where(c => !c.StartsWith("set ", StringComparison.Ordinal) && !c.StartsWith("cd ", StringComparison.Ordinal));

        Assert.Equal(["exec ./test.sh"], commands);
    }

    [Fact]
    public void TestSh_RunsDotnetTestOnTheSolution()
    {
        var testSh = Path.Combine(Root, "test.sh");

        Assert.Contains(Commands(File.ReadAllText(testSh)), c => c.StartsWith("dotnet test P4Flow.sln", StringComparison.Ordinal));
        Assert.True((File.GetUnixFileMode(testSh) & UnixFileMode.UserExecute) != 0, "test.sh is executable");
    }

    /// <summary>The sh blocks of the README's "The two commands" section, in order.</summary>
    private static List<string> TwoCommandsBlocks()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var start = readme.IndexOf("\n## The two commands\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has a section \"The two commands\"");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return [.. ShBlock().Matches(section).Select(m => m.Groups[1].Value.Trim())];
    }

    /// <summary>A shell script's command lines: no blank lines, comments or shebang.</summary>
    private static List<string> Commands(string script) =>
        [.. script.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShBlock();
}
