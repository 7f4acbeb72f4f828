using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Branches;
using P4Flow.Branches.Graph;
using P4Flow.Branches.Store;
using P4Flow.Branches.Watch;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Branches;

/// <summary>A change's integration along an edge as a job of the edge's workflow, started by the bot.</summary>
internal sealed class WorkflowBranchJobs(WorkflowRuntime runtime, IWorkflowStore store, Microsoft.Extensions.Options.IOptions<BranchesOptions> options) : IBranchJobs
{
    /// <summary>Who the bot's jobs say started them.</summary>
    public const string StartedBy = "p4flow-bot";

    public async Task<string> StartAsync(BranchEdge edge, BranchNode source, BranchNode target, EdgeChange change, CancellationToken cancellationToken)
    {
        var summary = change.Description.Split('\n', 2)[0].Trim();
        var input = new JsonObject
        {
            ["source"] = source.Path,
            ["target"] = target.Path,
            ["changes"] = change.Change.ToString(CultureInfo.InvariantCulture),
            ["description"] = $"Integrate CL {change.Change} by {change.User} from {source.Name} to {target.Name}: {summary}",
            ["edge"] = edge.Id,
        };
        if (!string.IsNullOrEmpty(source.Server)) input["server"] = source.Server;
        if (ChangeRules.IsNullMerge(change.Description, target)) input["nullMerge"] = true;
        if (options.Value.OwnerOf(change.User) is var owner && owner != change.User) input["owner"] = owner;
        if (edge.AgentRequirements is { } requirements)
        {
            input["agentRequirements"] = new JsonObject
            {
                ["capabilities"] = new JsonArray([.. (requirements.Capabilities ?? []).Select(c => (JsonNode?)c)]),
                ["labels"] = new JsonArray([.. (requirements.Labels ?? []).Select(l => (JsonNode?)l)]),
            };
        }
        var job = await runtime.StartAsync(edge.Workflow, input, StartedBy, cancellationToken).ConfigureAwait(false);
        return job.Id;
    }

    public async Task<JobState> StateAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = await store.GetInstanceAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job is null) return new JobState(false, new JobOutcome(false, null, $"job {jobId} is gone"));
        return job.Status switch
        {
            WorkflowStatus.Finished => new JobState(false, new JobOutcome(true, job.Result?["change"] is JsonValue c && c.TryGetValue<int>(out var n) ? n : null, job.Result?["status"]?.ToString())),
            WorkflowStatus.Faulted or WorkflowStatus.Cancelled => new JobState(false, new JobOutcome(false, null, job.Fault?.Message ?? job.Status.ToString())),
            _ => new JobState(job.Status == WorkflowStatus.Suspended && job.CurrentStage == NeedsResolveStage, null),
        };
    }

    /// <summary>The stage a job waits in for a person to resolve conflicts.</summary>
    public const string NeedsResolveStage = "NEEDS_RESOLVE";
}
