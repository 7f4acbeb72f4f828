using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;

namespace P4Flow.Activities.Tests.Support;

/// <summary>
/// One run of the simulator saved by Perforce/Parsers/Captures/capture.sh: the command line, the exit
/// code and both streams exactly as printed. NAME-text.txt is the plain form, NAME-tagged.txt the
/// `-ztag -Mj` form P4Client asks for, both made from the same depot state.
/// </summary>
internal sealed record Capture(string Command, int ExitCode, string Stdout, string Stderr)
{
    public const string Text = "text";
    public const string Tagged = "tagged";

    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Perforce", "Parsers", "Captures");

    public static Capture Load(string name, string form) => Read(Path.Combine(Folder, $"{name}-{form}.txt"));

    /// <summary>The capture parsed as P4Client would parse the live run.</summary>
    public static P4Output Parse(string name, string form) => Load(name, form).Parse();

    public P4Output Parse() => P4Output.Parse(new CommandRun(1, ExitCode, Stdout, Stderr, TimeSpan.Zero));

    public static Capture Read(string path)
    {
        var lines = File.ReadAllText(path).Split('\n');
        if (!lines[0].StartsWith("$ p4 ", StringComparison.Ordinal) || !lines[1].StartsWith("exit ", StringComparison.Ordinal) || lines[2] != "--- stdout")
            throw new InvalidDataException($"{path} is not a capture.");
        var stderrAt = Array.IndexOf(lines, "--- stderr");
        return new Capture(
            lines[0][2..],
            int.Parse(lines[1][5..], System.Globalization.CultureInfo.InvariantCulture),
            Stream(lines[3..stderrAt]),
            Stream(lines[(stderrAt + 1)..]));
    }

    // Each stream ends with a newline when it printed anything, as p4 leaves it.
    private static string Stream(string[] lines)
    {
        var text = string.Join('\n', lines).TrimEnd('\n');
        return text.Length == 0 ? "" : text + "\n";
    }
}
