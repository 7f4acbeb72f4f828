using P4Flow.Activities.Tests.Support;

namespace P4Flow.Activities.Tests.Perforce.Parsers;

/// <summary>Guards the captured simulator runs the parser tests read: both forms of each, each in its form.</summary>
public sealed class CapturesTests
{
    private static IEnumerable<string> Names(string form) =>
        Directory.GetFiles(Capture.Folder, $"*-{form}.txt").Select(f => Path.GetFileName(f)[..^($"-{form}.txt".Length)]).Order(StringComparer.Ordinal);

    [Fact]
    public void Captures_EveryRun_CapturedInBothForms()
    {
        Assert.NotEmpty(Names(Capture.Text));
        Assert.Equal(Names(Capture.Text), Names(Capture.Tagged));
    }

    [Fact]
    public void Captures_TaggedForm_EveryLineJsonAndCommandAsksForIt()
    {
        foreach (var name in Names(Capture.Tagged))
        {
            var capture = Capture.Load(name, Capture.Tagged);

            Assert.Contains("-ztag -Mj", capture.Command, StringComparison.Ordinal);
            Assert.All((capture.Stdout + capture.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("{", line, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Captures_TextForm_NoJsonAndSameExitCodeAsTagged()
    {
        foreach (var name in Names(Capture.Text))
        {
            var text = Capture.Load(name, Capture.Text);

            Assert.DoesNotContain("-Mj", text.Command, StringComparison.Ordinal);
            Assert.DoesNotContain("{\"", text.Stdout + text.Stderr, StringComparison.Ordinal);
            Assert.Equal(Capture.Load(name, Capture.Tagged).ExitCode, text.ExitCode);
        }
    }
}
