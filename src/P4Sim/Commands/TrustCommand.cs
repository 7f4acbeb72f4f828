using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Output;
using P4Flow.P4Sim.Security;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 trust [-y -n -d -l -f -r -i fingerprint]: the client's trust file, as p4's clienttrust.cc manages it.
/// Its reports are plain client text (stdout), its key warnings errors the client shows and goes on from.
/// </summary>
internal static class TrustCommand
{
    private const string Usage =
        "p4 [ -p port ] trust [ -y -n -d -l -f -r -i <fingerprint> ]\n" +
        "\tOnly one of -y -n -d -l -i is allowed.\n" +
        "\tUse p4 trust -h for detailed help.";

    // Only one of these may be given (with -i, none of them).
    private static readonly string[] ExclusiveFlags = ["-y", "-n", "-d", "-l", "-h"];

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "i");
        var install = args.Value('i');
        var exclusive = ExclusiveFlags.Count(args.Has);
        if (exclusive > (install is null ? 1 : 0) || args.Files.Count > 0 || args.Has("-h"))
        {
            context.Out.Error(Usage, GenericCode.Usage);
            return;
        }

        var address = context.Address;
        if (!address.Ssl)
        {
            context.Out.Info("Only SSL connections require trust");
            return;
        }

        var fingerprint = SslKey.Of(context.State, out var created);
        if (created)
        {
            context.MarkDirty();
        }

        var file = new CredentialFile(context.Settings.TrustFile);
        var marker = args.Has("-r") ? CredentialFile.ReplacementMarker : CredentialFile.TrustMarker;
        var peerName = $"'{address.Port}' ({address.Peer})";
        if (args.Has("-l"))
        {
            context.Out.FileText(string.Concat(file.Read().Where(e => e.User == marker).Select(e => $"{e.Server} {e.Value}\n")));
            return;
        }

        var state = TrustCheck.Check(address, fingerprint, file);
        if (install is not null)
        {
            Report(context, state, peerName, fingerprint);
            file.Put(address.FileKey, marker, install);
            context.Out.FileText($"Added trust for P4PORT {peerName}\n");
            return;
        }

        if (state == TrustState.Trusted)
        {
            if (args.Has("-d"))
            {
                file.Remove(address.FileKey, marker);
                context.Out.FileText($"Removed trust for P4PORT {peerName}\n");
            }
            else
            {
                context.Out.FileText("Trust already established.\n");
            }

            return;
        }

        Report(context, state, peerName, fingerprint);
        if (args.Has("-d"))
        {
            file.Remove(address.FileKey, marker);
            context.Out.FileText($"Removed trust for P4PORT {peerName}\n");
            return;
        }

        if (args.Has("-n"))
        {
            context.Out.Fail();
            return;
        }

        if (state == TrustState.Mismatch && !args.Has("-f"))
        {
            context.Out.FileText("Can't trust mismatched P4PORT key without the '-f' force option.\n");
            context.Out.Fail();
            return;
        }

        if (!args.Has("-y") && context.Prompt("Are you sure you want to establish trust (yes/no)? ", hidden: false) is not ("y" or "yes"))
        {
            context.Out.Fail();
            return;
        }

        file.Put(address.FileKey, marker, fingerprint);
        context.Out.FileText($"Added trust for P4PORT {peerName}\n");
    }

    /// <summary>What p4 trust says about a key it does not trust: an unknown key as text, a changed one as the warning block.</summary>
    private static void Report(CommandContext context, TrustState state, string peerName, string fingerprint)
    {
        if (state == TrustState.Unknown)
        {
            context.Out.FileText($"The fingerprint of the server of your P4PORT setting\n{peerName} is not known.\nThat fingerprint is {fingerprint}\n");
        }
        else if (state == TrustState.Mismatch)
        {
            context.Out.ClientError(TrustCheck.Refusal(state, context.Address, fingerprint), GenericCode.Comm);
        }
    }
}
