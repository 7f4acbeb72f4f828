using System.CommandLine;

namespace P4Flow.Cli.Commands;

/// <summary>
/// `completion bash|zsh`: a script that asks p4flow itself what may come next (System.CommandLine's [suggest]
/// directive), so completion always matches the installed version. Use: source &lt;(p4flow completion bash).
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # p4flow completion for bash: source <(p4flow completion bash), or save it under /etc/bash_completion.d/p4flow
        _p4flow_complete() {
          local IFS=$'\n'
          COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _p4flow_complete p4flow
        """;

    private const string Zsh = """
        # p4flow completion for zsh: source <(p4flow completion zsh)
        autoload -U +X bashcompinit && bashcompinit
        """;

    public static Command Create(CliContext context)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        return new Command("completion", "Print the shell completion script: source <(p4flow completion bash)").With(shell).Runs(context, async (result, _) =>
        {
            var script = result.GetRequiredValue(shell) == "zsh" ? Zsh + "\n" + Bash : Bash;
            await context.Output.WriteLineAsync(script).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
    }
}
