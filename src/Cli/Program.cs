using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using P4Flow.Cli;
using P4Flow.Cli.Commands;
using Spectre.Console;

// Piped into grep or a file there is no terminal width to fit: keep a job's row on one line rather than wrap its id.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 240;
var context = new CliContext(AnsiConsole.Console, Console.Out, Console.Error, TimeProvider.System);
var root = CliRoot.Create(context);
var parsed = root.Parse(args);
if (parsed.Action is ParseErrorAction)
{
    foreach (var error in parsed.Errors) await Console.Error.WriteLineAsync($"p4flow: {error.Message}");
    await Console.Error.WriteLineAsync($"Run '{string.Join(' ', parsed.CommandResult.Command.Parents.OfType<Command>().Reverse().Select(c => c.Name).Append(parsed.CommandResult.Command.Name))} --help' for what it takes.");
    return ExitCodes.Usage;
}
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};
return await parsed.InvokeAsync(new InvocationConfiguration(), interrupted.Token);

namespace P4Flow.Cli
{
    /// <summary>The command tree; `p4flow --help` lists it with the exit codes.</summary>
    public static class CliRoot
    {
        public static RootCommand Create(CliContext context)
        {
            var root = new RootCommand("p4flow: start and follow P4Flow integrations from the command line");
            root.Options.Add(CommandExtensions.Json);
            root.Subcommands.Add(JobCommands.Run(context));
            root.Subcommands.Add(JobCommands.Jobs(context));
            root.Subcommands.Add(CatalogCommands.Agents(context));
            root.Subcommands.Add(CatalogCommands.Workflows(context));
            root.Subcommands.Add(CatalogCommands.Admin(context));
            foreach (var command in LoginCommands.Create(context)) root.Subcommands.Add(command);
            root.Subcommands.Add(CompletionCommand.Create(context));
            if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction help } helpOption)
                helpOption.Action = new HelpWithExitCodes(help, context.Output);
            return root;
        }

        /// <summary>The usual help, and under the top-level one the exit codes scripts rely on.</summary>
        private sealed class HelpWithExitCodes(HelpAction help, TextWriter output) : SynchronousCommandLineAction
        {
            public override int Invoke(ParseResult parseResult)
            {
                help.Invoke(parseResult);
                if (parseResult.CommandResult.Command is RootCommand) output.WriteLine(ExitCodes.Legend);
                return ExitCodes.Ok;
            }
        }
    }
}
