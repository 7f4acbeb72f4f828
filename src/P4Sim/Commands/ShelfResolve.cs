using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// Unshelving an edit over a file this client already has open for edit: "permitted if both shelved file and
/// opened file are opened for 'edit' ... the workspace file is flagged as unresolved, and 'p4 resolve' must be
/// run to resolve the differences between the shelved file and the workspace file" (p4 help unshelve). The
/// workspace file is left as it is; resolve later merges the shelved content (theirs) into it.
/// </summary>
internal static class ShelfResolve
{
    public static void Schedule(CommandContext context, OpenedFile open, ShelvedFile shelved, int source, bool preview)
    {
        var path = shelved.DepotPath;
        var rev = Revisions.Tag(shelved.WorkRev);
        context.Out.Record(
            new TagRecord().Add("depotFile", path).Add("rev", rev).Add("action", shelved.Action),
            $"{path}#{rev} - unshelved, opened for {shelved.Action}");

        // MsgDm::UnshelveResolve, shown one level down ("... //depot/a - must resolve //depot/a@=5 before submitting").
        context.Out.Info($"{path} - must resolve {path}@={source} before submitting", level: 1);
        if (preview)
        {
            return;
        }

        open.Unresolved.Add(new PendingResolve
        {
            FromFile = path,
            StartFromRev = shelved.WorkRev,
            EndFromRev = shelved.WorkRev,
            BaseFile = path,
            BaseRev = shelved.WorkRev,
            ShelfChange = source,
            ShelfBlob = shelved.Blob,
        });
        context.MarkDirty();
    }
}
