using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Security;

/// <summary>The server's and client's authentication and trust messages, as p4's message catalogs word them (REFERENCE.md).</summary>
internal static class SecurityMessages
{
    public const string PasswordInvalidOrUnset = "Perforce password (P4PASSWD) invalid or unset.";
    public const string SessionExpired = "Your session has expired, please login again.";
    public const string TicketOnly = "Password not allowed at this server security level, use 'p4 login'.";
    public const string MustSetPassword = "Password must be set before access can be granted.";
    public const string PasswordInvalid = "Password invalid.";
    public const string PasswordsDontMatch = "Passwords don't match.";
    public const string EofReadingTerminal = "EOF reading terminal.";

    // MsgServer::BadPassword is EV_CONFIG, LoginExpired and BadPassword0/1 are EV_ILLEGAL, TicketOnly and MustSetPassword EV_USAGE.
    public static void BadPassword(OutputSink output) => output.Error(PasswordInvalidOrUnset, GenericCode.Config);

    public static void LoginExpired(OutputSink output) => output.Error(SessionExpired, GenericCode.Illegal);

    /// <summary>MsgRpc::HostKeyUnknown, with the optional "use 'p4 trust'" line the p4 client fills in.</summary>
    public static string HostKeyUnknown(string peer, string fingerprint) =>
        $"The authenticity of '{peer}' can't be established,\n" +
        "this may be your first attempt to connect to this P4PORT.\n" +
        "The fingerprint for the key sent to your client is\n" +
        $"{fingerprint}\n" +
        "To allow connection use the 'p4 trust' command.";

    /// <summary>MsgRpc::HostKeyMismatch, with the same closing line.</summary>
    public static string HostKeyMismatch(string peer, string fingerprint) =>
        "******* WARNING P4PORT IDENTIFICATION HAS CHANGED! *******\n" +
        "It is possible that someone is intercepting your connection\n" +
        $"to the Perforce P4PORT '{peer}'\n" +
        "If this is not a scheduled key change, then you should contact\n" +
        "your Perforce administrator.\n" +
        "The fingerprint for the mismatched key sent to your client is\n" +
        $"{fingerprint}\n" +
        "To allow connection use the 'p4 trust' command.";
}
