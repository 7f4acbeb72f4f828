using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;
using P4Flow.P4Sim.Security;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 passwd [-O old -P new] [user]: a user changes their own password (giving the old one first when there is
/// one); another user's password is set by a super user, which every user is while the simulator has no
/// protections table. The answers come from standard input, like p4's prompts read them.
/// </summary>
internal static class PasswdCommand
{
    private const int MinimumLength = 8;

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "OP");
        if (args.Files.Count > 1)
        {
            context.Out.Error("Usage: passwd [ -O oldPasswd -P newPasswd ] [ username ]", GenericCode.Usage);
            return;
        }

        var name = args.Files.Count == 1 ? args.Files[0] : context.User;
        var user = context.State.Users.GetValueOrDefault(name);
        if (name != context.User)
        {
            // Setting another user's password is a super user's command: the caller must be logged in.
            if (!Authenticator.Allows(context))
            {
                return;
            }
        }
        else if (user?.PasswordHash is not null)
        {
            var old = args.Value('O') ?? context.Prompt("Enter old password: ", hidden: true);
            if (old is null)
            {
                context.Out.Error(SecurityMessages.EofReadingTerminal, GenericCode.Client);
                return;
            }

            if (!PasswordHash.Verify(user.PasswordHash, old))
            {
                context.Out.Error(SecurityMessages.PasswordInvalid, GenericCode.Illegal);
                return;
            }
        }

        var password = args.Value('P') ?? NewPassword(context);
        if (password is null || !Acceptable(context, password))
        {
            return;
        }

        if (password.Length > 0 && PasswordHash.Verify(user?.PasswordHash, password))
        {
            context.Out.Info("Password not changed.");
            return;
        }

        user ??= NewUser(context, name);
        StorePassword(context, user, password);
        user.Update = context.Now;
        context.State.Users[name] = user;
        context.MarkDirty();
        context.Out.Info(password.Length == 0 ? "Password deleted." : "Password updated.");
    }

    private static string? NewPassword(CommandContext context)
    {
        var first = context.Prompt("Enter new password: ", hidden: true);
        var second = first is null ? null : context.Prompt("Re-enter new password: ", hidden: true);
        if (second is null)
        {
            context.Out.Error(SecurityMessages.EofReadingTerminal, GenericCode.Client);
            return null;
        }

        if (first != second)
        {
            context.Out.Error(SecurityMessages.PasswordsDontMatch, GenericCode.Illegal);
            return null;
        }

        return first;
    }

    /// <summary>From security level 1 on, passwords are at least 8 characters, mixed case or with a non-letter.</summary>
    public static bool Acceptable(CommandContext context, string password)
    {
        if (context.State.SecurityLevel == 0)
        {
            return true;
        }

        if (password.Length < MinimumLength)
        {
            context.Out.Error($"Password should be at least {MinimumLength} characters in length.", GenericCode.Illegal);
            return false;
        }

        var mixedCase = password.Any(char.IsUpper) && password.Any(char.IsLower);
        if (!mixedCase && password.All(char.IsLetter))
        {
            context.Out.Error("Password should be mixed case or contain non alphabetic characters.", GenericCode.Illegal);
            return false;
        }

        return true;
    }

    /// <summary>Sets (or, when empty, deletes) a user's password; a ticket does not outlive the password it was issued for.</summary>
    public static void StorePassword(CommandContext context, UserRecord user, string password)
    {
        user.PasswordHash = password.Length == 0 ? null : PasswordHash.Create(password);
        context.State.Tickets.RemoveAll(t => t.User == user.Name);
    }

    public static UserRecord NewUser(CommandContext context, string name) => new()
    {
        Name = name,
        Email = $"{name}@{context.ClientName}",
        FullName = name,
        Update = context.Now,
        Access = context.Now,
    };
}
