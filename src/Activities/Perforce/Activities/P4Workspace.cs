using System.Text.Json.Nodes;
using P4Flow.Activities.Commands;
using P4Flow.Protocol;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

[Activity("Perforce", "P4 workspace", Kind = ActivityKind.Job, Stage = "SYNC",
    Description = "Creates or updates the job's client workspace, mapping the target branch, rooted in the job's directory.")]
public sealed class P4Workspace : P4Activity
{
    [Input(Description = "Target branch, e.g. //depot/rel/...", Required = true, DefaultSyntax = "JavaScript")]
    public Input<string> Target { get; } = new();

    [Output(Description = "Name of the job's client workspace.")]
    public Output<string> Client { get; } = new();

    protected override async Task<JobResult> RunAsync(JobContext context, Session p4)
    {
        var target = DepotPaths.Require(context.Get(Target), "target");
        var view = target.EndsWith("/...", StringComparison.Ordinal) ? target : target + "/...";
        var name = p4.ClientName;
        var spec = $"Client:\t{name}\n\nOwner:\t{p4.User}\n\nRoot:\t{CommandWorkDir.Placeholder}\n\n" +
                   "Options:\tnoallwrite noclobber nocompress unlocked nomodtime normdir\n\nSubmitOptions:\tsubmitunchanged\n\nLineEnd:\tlocal\n\n" +
                   $"View:\n\t{view} //{name}/{view[2..][(view[2..].IndexOf('/', StringComparison.Ordinal) + 1)..]}\n";
        var output = await p4.RunWithInputAsync(spec, "client", "-i").ConfigureAwait(false);
        return output.Failed
            ? Failure("p4 client -i", output)
            : JobResult.Done(outputs: new JsonObject { [Client.Name] = name });
    }
}
