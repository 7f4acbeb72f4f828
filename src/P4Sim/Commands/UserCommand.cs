using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 user -o [name]: the user spec form; a user with no spec yet gets the defaults p4 would create.
/// p4 user -i [-f]: saves a form read from standard input (UserSave).
/// </summary>
internal static class UserCommand
{
    private const string Header =
        "# A Perforce User Specification.\n" +
        "#\n" +
        "#  User:        The user's user name.\n" +
        "#  Type:        Either 'service', 'operator', or 'standard'.\n" +
        "#               Default: 'standard'. Read only.\n" +
        "#  Email:       The user's email address; for email review.\n" +
        "#  Update:      The date this specification was last modified.\n" +
        "#  Access:      The date this user was last active.  Read only.\n" +
        "#  FullName:    The user's real name.\n" +
        "#  JobView:     Selects jobs for inclusion during changelist creation.\n" +
        "#  Password:    If set, user must have matching $P4PASSWD on client.\n" +
        "#  AuthMethod:  'perforce' if using standard authentication or 'ldap' if\n" +
        "#               this user should use native LDAP authentication.  The '+2fa'\n" +
        "#               modifier can be added to the AuthMethod, requiring the user to\n" +
        "#               perform multi factor authentication in addition to password\n" +
        "#               authentication. For example: 'perforce+2fa'.\n" +
        "#  Reviews:     Listing of depot files to be reviewed by user.\n\n";

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "");
        if (Flag(args, 'i'))
        {
            if (args.Files.Count > 0)
            {
                context.Out.Error("Usage: user -i [ -f ]", GenericCode.Usage);
                return;
            }

            UserSave.Run(context, Flag(args, 'f'));
            return;
        }

        if (!args.Has("-o") || args.Files.Count > 1)
        {
            context.Out.Error("Usage: user -o username", GenericCode.Usage);
            return;
        }

        var name = args.Files.Count == 1 ? args.Files[0] : context.User;
        var exists = context.State.Users.TryGetValue(name, out var user);
        user ??= PasswdCommand.NewUser(context, name);
        var form = new SpecForm().Value("User", user.Name).Value("Type", "standard").Value("Email", user.Email);
        if (exists)
        {
            form.Value("Update", CommandContext.FormatTime(user.Update)).Value("Access", CommandContext.FormatTime(user.Access));
        }

        form.Value("FullName", user.FullName);
        if (user.JobView is not null)
        {
            form.Value("JobView", user.JobView);
        }

        if (user.PasswordHash is not null)
        {
            // p4 never shows a password, only that one is set.
            form.Value("Password", UserSave.MaskedPassword);
        }

        form.Value("AuthMethod", "perforce");
        if (user.Reviews.Count > 0)
        {
            form.Lines("Reviews", user.Reviews);
        }

        form.Print(context, Header);
    }

    /// <summary>-i or -f, given alone or run together ("-fi"), as p4 reads "-fi" for "-f -i".</summary>
    private static bool Flag(CommandArguments args, char letter) =>
        args.Has($"-{letter}") || args.Has("-fi") || args.Has("-if");
}
