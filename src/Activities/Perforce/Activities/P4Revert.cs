using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "P4 revert", Kind = ActivityKind.Job,
    Description = "Cleans up after a failed integration: deletes the job's shelf (if any) and reverts its opened files.")]
public sealed class P4Revert : P4Activity
{
    [Input(Description = "A shelved change of this job to delete first.", DefaultSyntax = "JavaScript")]
    public Input<int?> Change { get; } = new();

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        if (context.Get(Change) is > 0 and var change)
            await p4.RunAsync("shelve", "-d", "-c", change.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        var reverted = await p4.RunAsync("revert", $"//{p4.ClientName}/...").ConfigureAwait(false);
        // "file(s) not opened" is a warning: nothing to clean is fine.
        return reverted.Failed ? Failure("p4 revert", reverted) : JobResult.Done();
    }
}
