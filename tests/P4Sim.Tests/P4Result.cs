namespace P4Flow.P4Sim.Tests;

/// <summary>One p4 run: exit code and both streams, split into lines.</summary>
internal sealed record P4Result(int Exit, string Stdout, string Stderr)
{
    public string[] Out => Split(Stdout);

    public string[] Err => Split(Stderr);

    private static string[] Split(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
}
