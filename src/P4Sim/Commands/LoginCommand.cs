namespace P4Flow.P4Sim.Commands;

/// <summary>p4 login: the simulator accepts any password and issues a 12-hour ticket.</summary>
internal static class LoginCommand
{
    public static void Run(CommandContext context)
    {
        if (context.Arguments.Contains("-s"))
        {
            context.Out.Record(
                new Output.TagRecord().Add("User", context.User).Add("TicketExpiration", 43140),
                $"User {context.User} ticket expires in 11 hours 59 minutes.");
            return;
        }

        // The real client prompts on stdin; scripts pipe the password in.
        context.Input.ReadLine();
        context.Out.Info($"User {context.User} logged in.");
    }
}
