using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Output;
using P4Flow.P4Sim.Security;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 sslkey [-r [fingerprint]]: simulator only, the administrator's side of the server's SSL key. Prints the
/// fingerprint as "p4d -Gf" does; -r replaces the key (by a random one, or one with the given fingerprint), as an
/// administrator who regenerates the server's certificate would, so tests can see clients refuse the new key.
/// </summary>
internal static class SslKeyCommand
{
    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "");
        var given = args.Files.Count == 1 ? args.Files[0] : null;
        if (args.Files.Count > 1 || (given is not null && !args.Has("-r")) || (given is not null && !SslKey.IsFingerprint(given)))
        {
            context.Out.Error("Usage: sslkey [ -r [ XX:XX:...:XX (20 hex bytes) ] ]", GenericCode.Usage);
            return;
        }

        if (args.Has("-r"))
        {
            context.State.SslFingerprint = given ?? SslKey.NewFingerprint();
        }

        var fingerprint = SslKey.Of(context.State, out var created);
        if (created || args.Has("-r"))
        {
            context.MarkDirty();
        }

        context.Out.Info($"Fingerprint: {fingerprint}");
    }
}
