using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;
using P4Flow.P4Sim.Security;

namespace P4Flow.P4Sim.Faults;

/// <summary>Applies injected faults with the messages a real p4 prints for them.</summary>
internal static class FaultInjector
{
    /// <summary>Runs the faults that act before the server is reached; false when the command must stop.</summary>
    public static bool BeforeCommand(List<Fault> faults, string command, IReadOnlyList<string> arguments, OutputSink output, CancellationToken cancellationToken)
    {
        foreach (var fault in faults)
        {
            switch (fault.Kind)
            {
                case "latency":
                    cancellationToken.WaitHandle.WaitOne(fault.Milliseconds);
                    cancellationToken.ThrowIfCancellationRequested();
                    break;
                case "hang":
                    // A server that never answers: only the caller's timeout (or kill) ends it.
                    cancellationToken.WaitHandle.WaitOne();
                    cancellationToken.ThrowIfCancellationRequested();
                    break;
                case "unreachable":
                    P4Simulator.ConnectFailed(output, fault.Port ?? "perforce:1666");
                    return false;
                case "session-expired" when !IsLogin(command, arguments):
                    SecurityMessages.LoginExpired(output);
                    return false;
                case "password-unset" when !IsLogin(command, arguments):
                    SecurityMessages.BadPassword(output);
                    return false;
                default:
                    break;
            }
        }

        return true;
    }

    /// <summary>Adds the opens of another user that "locked" and "exclusive" faults describe.</summary>
    public static void InjectOpens(List<Fault> faults, DepotState state)
    {
        foreach (var fault in faults.Where(f => f.Path is not null && f.Kind is "locked" or "exclusive"))
        {
            var owner = fault.Owner ?? "alice@alice-ws";
            var at = owner.IndexOf('@', StringComparison.Ordinal);
            var file = state.File(fault.Path!);
            var type = file?.Head.Type ?? "text";
            state.Opened.Add(new OpenedFile
            {
                DepotPath = fault.Path!,
                User = at < 0 ? owner : owner[..at],
                Client = at < 0 ? owner + "-ws" : owner[(at + 1)..],
                Action = "edit",
                WorkRev = file?.HeadRev ?? 0,
                Type = fault.Kind == "exclusive" && !FileTypes.IsExclusive(type) ? type + "+l" : type,
                Locked = fault.Kind == "locked",
                Injected = true,
            });
        }
    }

    // Logging in is how a user recovers from an expired session, so it must still work.
    private static bool IsLogin(string command, IReadOnlyList<string> arguments) =>
        command == "login" && !arguments.Contains("-s");
}
