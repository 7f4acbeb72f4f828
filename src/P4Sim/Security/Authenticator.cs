using P4Flow.P4Sim.Commands;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Security;

internal enum Authentication
{
    /// <summary>A valid ticket, from the tickets file or given as P4PASSWD (p4 accepts a ticket wherever a password goes).</summary>
    Ticket,

    /// <summary>P4PASSWD held the password (security levels 0 to 2 only).</summary>
    Password,

    /// <summary>The user has no password and the security level asks for none.</summary>
    NotNeeded,

    Expired,
    BadPassword,
    TicketOnly,
    MustSetPassword,
}

/// <summary>
/// The server's check of the caller's credentials, made once for every command (P4Simulator) and by the
/// commands that authenticate by themselves (login -s, passwd for another user).
/// </summary>
internal static class Authenticator
{
    public static Authentication Authenticate(CommandContext context)
    {
        var state = context.State;
        var password = context.Settings.Password;
        var fileTicket = new CredentialFile(context.Settings.TicketsFile).Get(context.Address.FileKey, context.User);
        if ((fileTicket is not null && ValidTicket(context, fileTicket) is not null) || (password is not null && ValidTicket(context, password) is not null))
        {
            return Authentication.Ticket;
        }

        var user = state.Users.GetValueOrDefault(context.User);
        if (user?.PasswordHash is null)
        {
            return state.SecurityLevel == 0 ? Authentication.NotNeeded : Authentication.MustSetPassword;
        }

        if (password is not null && state.SecurityLevel < 3 && PasswordHash.Verify(user.PasswordHash, password))
        {
            return Authentication.Password;
        }

        if (fileTicket is not null && state.Tickets.Exists(t => t.User == context.User && t.Value == fileTicket && t.Expires <= context.Now))
        {
            return Authentication.Expired;
        }

        return password is not null && state.SecurityLevel >= 3 ? Authentication.TicketOnly : Authentication.BadPassword;
    }

    /// <summary>True when the caller may go on; otherwise prints the server's refusal.</summary>
    public static bool Allows(CommandContext context)
    {
        var result = Authenticate(context);
        Refuse(context.Out, result);
        return result is Authentication.Ticket or Authentication.Password or Authentication.NotNeeded;
    }

    public static void Refuse(OutputSink output, Authentication result)
    {
        switch (result)
        {
            case Authentication.Expired:
                SecurityMessages.LoginExpired(output);
                break;
            case Authentication.BadPassword:
                SecurityMessages.BadPassword(output);
                break;
            case Authentication.TicketOnly:
                output.Error(SecurityMessages.TicketOnly, GenericCode.Usage);
                break;
            case Authentication.MustSetPassword:
                output.Error(SecurityMessages.MustSetPassword, GenericCode.Usage);
                break;
            default:
                break;
        }
    }

    /// <summary>The unexpired ticket of the caller with this value, valid from the caller's host; null when none.</summary>
    public static IssuedTicket? ValidTicket(CommandContext context, string value) =>
        context.State.Tickets.Find(t => t.User == context.User && t.Value == value && t.Expires > context.Now &&
            (t.Host.Length == 0 || t.Host == context.Settings.Host));
}
