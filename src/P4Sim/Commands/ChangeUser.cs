using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 change -U user [-f] N: hands an empty pending change (it may hold shelved files) to another user.
/// "The user field can only be changed using this flag by the user who created the change, or by a user with
/// 'admin' privilege using the -f flag" (p4 help change). Every user is a super user here, so -f always passes.
/// Lines and sources: REFERENCE.md, "change -U".
/// </summary>
internal static class ChangeUser
{
    private const string Usage = "Usage: change -U user [-t restricted | public] [-f] changelist#\nMissing/wrong number of arguments.";

    public static void Run(CommandContext context, int? number, string user, bool force)
    {
        if (number is not { } id || user.Length == 0)
        {
            context.Out.Error(Usage, GenericCode.Usage);
            return;
        }

        if (!context.State.Changes.TryGetValue(id, out var change))
        {
            context.Out.Error($"Change {id} unknown.", GenericCode.Unknown);
        }
        else if (!change.IsPending)
        {
            context.Out.Error("User cannot be changed in a committed change.", GenericCode.Illegal);
        }
        else if (!force && change.User != context.User)
        {
            context.Out.Error($"Change {id} can only be updated by user {change.User}, or by admin user with -f.", GenericCode.Usage);
        }
        else if (context.State.Opened.Exists(o => o.Change == id && o.Client == change.Client))
        {
            context.Out.Error("Change has files open, user cannot be modified.", GenericCode.Illegal);
        }
        else
        {
            change.User = user;
            context.MarkDirty();
            context.Out.Info($"Change {id} updated.");
        }
    }
}
