using System.Globalization;
using System.Security.Cryptography;
using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;
using P4Flow.P4Sim.Security;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 login [-a -p] [user] / login -s: checks the password read from standard input and issues a ticket,
/// stored in the tickets file (or printed with -p). Tickets last 12 hours on the server clock (P4SIM_NOW).
/// </summary>
internal static class LoginCommand
{
    /// <summary>The default ticket lifetime: 12 hours, as a group with no Timeout gives.</summary>
    public const long TicketLifetime = 43200;

    private const string Usage = "Usage: login [ -a -p ] [ -s ] [ -r remotespec ] [ -h host username ]";

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "h");
        if (args.Files.Count > 1 || args.Files.Any(f => f != context.User))
        {
            // Logging in as someone else is what a super user does with protections; the simulator has none.
            context.Out.Error(Usage, GenericCode.Usage);
            return;
        }

        if (args.Has("-s"))
        {
            Status(context);
            return;
        }

        var user = context.State.Users.GetValueOrDefault(context.User);
        if (user?.PasswordHash is null)
        {
            if (context.State.SecurityLevel == 0)
            {
                context.Out.Info("'login' not necessary, no password set for this user.");
            }
            else
            {
                context.Out.Error(SecurityMessages.MustSetPassword, GenericCode.Usage);
            }

            return;
        }

        var password = context.Prompt("Enter password: ", hidden: true);
        if (password is null)
        {
            context.Out.Error(SecurityMessages.EofReadingTerminal, GenericCode.Client);
            return;
        }

        if (!PasswordHash.Verify(user.PasswordHash, password))
        {
            context.Out.Error(SecurityMessages.PasswordInvalid, GenericCode.Illegal);
            return;
        }

        var ticket = Issue(context, allHosts: args.Has("-a"));
        if (args.Has("-p"))
        {
            context.Out.Info(ticket.Value);
            return;
        }

        new CredentialFile(context.Settings.TicketsFile).Put(context.Address.FileKey, context.User, ticket.Value);
        context.Out.Record(Expiry(context, ticket), $"User {context.User} logged in.");
    }

    private static void Status(CommandContext context)
    {
        var result = Authenticator.Authenticate(context);
        switch (result)
        {
            case Authentication.Ticket:
                var value = new CredentialFile(context.Settings.TicketsFile).Get(context.Address.FileKey, context.User);
                var ticket = (value is null ? null : Authenticator.ValidTicket(context, value)) ?? Authenticator.ValidTicket(context, context.Settings.Password!)!;
                var left = ticket.Expires - context.Now;
                context.Out.Record(
                    Expiry(context, ticket),
                    string.Create(CultureInfo.InvariantCulture, $"User {context.User} ticket expires in {left / 3600} hours {left % 3600 / 60} minutes."));
                break;
            case Authentication.Password:
                context.Out.Info($"User {context.User} was authenticated by password not ticket.");
                break;
            case Authentication.NotNeeded:
                context.Out.Info("'login' not necessary, no password set for this user.");
                break;
            default:
                Authenticator.Refuse(context.Out, result);
                break;
        }
    }

    private static TagRecord Expiry(CommandContext context, IssuedTicket ticket) =>
        new TagRecord().Add("User", context.User).Add("TicketExpiration", ticket.Expires - context.Now);

    /// <summary>
    /// A ticket for the caller: logging in again while a ticket for the same host is valid renews that ticket,
    /// otherwise a new one is made (32 upper-case hex digits, like p4d's).
    /// </summary>
    private static IssuedTicket Issue(CommandContext context, bool allHosts)
    {
        var host = allHosts ? "" : context.Settings.Host;
        var ticket = context.State.Tickets.Find(t => t.User == context.User && t.Host == host && t.Expires > context.Now);
        if (ticket is null)
        {
            context.State.Tickets.RemoveAll(t => t.User == context.User && t.Host == host);
            ticket = new IssuedTicket { User = context.User, Host = host, Value = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) };
            context.State.Tickets.Add(ticket);
        }

        ticket.Expires = context.Now + TicketLifetime;
        context.MarkDirty();
        return ticket;
    }
}
