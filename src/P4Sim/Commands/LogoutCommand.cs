using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Output;
using P4Flow.P4Sim.Security;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 logout [-a]: the server forgets the caller's ticket (with -a, all of them) and the tickets file loses its line.</summary>
internal static class LogoutCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "");
        if (args.Files.Count > 1 || args.Files.Any(f => f != context.User))
        {
            context.Out.Error("Usage: logout [ -a ] [ username ]", GenericCode.Usage);
            return;
        }

        var tickets = new CredentialFile(context.Settings.TicketsFile);
        var held = tickets.Get(context.Address.FileKey, context.User);
        var removed = context.State.Tickets.RemoveAll(t => t.User == context.User && (args.Has("-a") || t.Value == held));
        if (removed > 0)
        {
            context.MarkDirty();
        }

        tickets.Remove(context.Address.FileKey, context.User);
        context.Out.Info($"User {context.User} logged out.");
    }
}
