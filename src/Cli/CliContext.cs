using P4Flow.Cli.Api;
using Spectre.Console;

namespace P4Flow.Cli;

/// <summary>What every command gets: where to write for people (tables, live stages) and for scripts (--json), and the API.</summary>
public sealed class CliContext(IAnsiConsole console, TextWriter output, TextWriter error, TimeProvider clock)
{
    /// <summary>For people: tables, colours where the terminal has them, plain text otherwise.</summary>
    public IAnsiConsole Console { get; } = console;

    /// <summary>For scripts: JSON written as the server sent it, nothing else on stdout.</summary>
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public TimeProvider Clock { get; } = clock;

    public ApiClient Api() => ApiClient.FromStoredProfile(Clock);

    public void WriteJson(System.Text.Json.Nodes.JsonNode node) =>
        Output.WriteLine(node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

    /// <summary>A time from the API (UTC) as the reader's local time.</summary>
    public static string Time(System.Text.Json.Nodes.JsonNode? value) =>
        value is not null && DateTime.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var utc)
            ? utc.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
            : "";
}
