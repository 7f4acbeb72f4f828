using P4Flow.P4Sim.Depot;

namespace P4Flow.P4Sim.Commands;

/// <summary>Which source revisions already reached a target, submitted or still pending in an open.</summary>
internal static class IntegrationHistory
{
    /// <summary>Submitted integration records by target file: built once per command, so a 10,000-file integrate stays linear.</summary>
    public static ILookup<string, IntegrationRecord> ByTarget(DepotState state) =>
        state.Integrations.ToLookup(r => r.ToFile, StringComparer.Ordinal);

    public static HashSet<int> Credited(ILookup<string, IntegrationRecord> byTarget, string source, string target, OpenedFile? openTarget)
    {
        var revisions = new HashSet<int>();
        void AddRange(int startExclusive, int end)
        {
            for (var rev = startExclusive + 1; rev <= end; rev++)
            {
                revisions.Add(rev);
            }
        }

        foreach (var record in byTarget[target].Where(r => r.FromFile == source))
        {
            AddRange(record.StartFromRev, record.EndFromRev);
        }

        foreach (var record in byTarget[source].Where(r => r.FromFile == target))
        {
            // A source revision made from the target already holds the target's content.
            revisions.Add(record.ToRev);
        }

        if (openTarget is not null)
        {
            foreach (var pending in openTarget.Unresolved.Where(p => p.FromFile == source && p.ShelfChange == 0))
            {
                AddRange(pending.StartFromRev, pending.EndFromRev);
            }

            foreach (var done in openTarget.Resolved.Where(d => d.FromFile == source && d.ShelfChange == 0))
            {
                AddRange(done.StartFromRev, done.EndFromRev);
            }
        }

        return revisions;
    }

    /// <summary>The merge base: the last source revision integrated before the new range, 0 when none.</summary>
    public static int Base(HashSet<int> credited, int startExclusive) =>
        credited.Where(r => r <= startExclusive).DefaultIfEmpty(0).Max();
}
