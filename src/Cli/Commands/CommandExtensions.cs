using System.CommandLine;

namespace P4Flow.Cli.Commands;

internal static class CommandExtensions
{
    /// <summary>--json on every command that shows something: the API's JSON on stdout instead of tables.</summary>
    public static readonly Option<bool> Json = new("--json") { Description = "Print the server's JSON instead of tables (for scripts)", Recursive = true };

    /// <summary>Runs <paramref name="action"/>; a <see cref="CliException"/> becomes its message on stderr and its exit code.</summary>
    public static Command Runs(this Command command, CliContext context, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (result, ct) =>
        {
            try
            {
                return await action(result, ct).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                await context.Error.WriteLineAsync($"p4flow: {ex.Message}").ConfigureAwait(false);
                foreach (var line in ex.Details) await context.Error.WriteLineAsync($"  {line}").ConfigureAwait(false);
                return ex.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;
            }
        });
        return command;
    }

    /// <summary>A command that shows what GET <paramref name="path"/> answers: a table for people, the JSON with --json.</summary>
    public static Command Shows(this Command command, CliContext context, Func<ParseResult, string> path, Action<Spectre.Console.IAnsiConsole, System.Text.Json.Nodes.JsonNode> table) =>
        command.Runs(context, async (result, ct) =>
        {
            using var api = context.Api();
            var answer = await api.GetAsync(path(result), ct).ConfigureAwait(false);
            if (result.GetValue(Json)) context.WriteJson(answer);
            else table(context.Console, answer);
            return ExitCodes.Ok;
        });

    public static Command With(this Command command, params Symbol[] symbols)
    {
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option: command.Options.Add(option); break;
                case Argument argument: command.Arguments.Add(argument); break;
                case Command sub: command.Subcommands.Add(sub); break;
            }
        }
        return command;
    }

    /// <summary>A path segment from user input: never able to climb out of the route it is put in.</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);
}
