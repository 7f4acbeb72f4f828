using System.Text;
using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 print [-q] files[revision]: a header line per file, then its content.</summary>
internal static class PrintCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "o");
        if (context.Specs(args.Files, defaultAll: false) is not { } specs)
        {
            return;
        }

        var workspace = context.Workspace;
        foreach (var spec in specs)
        {
            var printed = 0;
            foreach (var file in context.State.Files.Values.Where(f => spec.Matches(f.Path, workspace)))
            {
                var have = workspace is null ? 0 : context.State.HaveRev(workspace.Name, file.Path);
                var rev = spec.Revision?.Resolve(file, context.State, have) ?? file.HeadRev;
                if (file.At(rev) is not { IsDeleted: false } revision)
                {
                    continue;
                }

                var content = context.Content(revision.Blob);
                if (!args.Has("-q"))
                {
                    context.Out.Record(
                        new TagRecord().Add("depotFile", file.Path).Add("rev", rev).Add("change", revision.Change).Add("action", revision.Action)
                            .Add("type", revision.Type).Add("time", revision.Time).Add("fileSize", content.Length),
                        $"{file.Path}#{rev} - {revision.Action} change {revision.Change} ({revision.Type})");
                }

                // Binary bytes pass through one-to-one as Latin-1 characters.
                context.Out.FileText(FileTypes.IsBinary(revision.Type) ? Encoding.Latin1.GetString(content) : Encoding.UTF8.GetString(content));
                printed++;
            }

            if (printed == 0)
            {
                context.Out.Warn($"{spec.Original} - no such file(s).");
            }
        }
    }
}
