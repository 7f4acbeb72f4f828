using Microsoft.Extensions.DependencyInjection;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Perforce.Activities;

/// <summary>A Job-kind activity that sends p4 commands for its job through the command dispatcher.</summary>
public abstract class P4Activity : JobActivity
{
    /// <summary>The output naming the agent that ran the activity's last command (absent when they ran in the orchestrator).</summary>
    public const string AgentOutput = "agent";

    /// <summary>The activity's own stage budget, over perforce.stage_timeouts (see <see cref="StageBudget"/>).</summary>
    [Input(Description = "Seconds its stage may take in all, its commands and retries (see perforce.stage_timeouts, which it overrides); empty: the configured budget.")]
    public Input<int> Budget { get; } = new();

    public sealed override async Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        try
        {
            var budget = context.Get(Budget);
            if (budget is < 0 or > 7 * 86400) throw new ActivityInputException(Budget.Name, $"Input '{Budget.Name}' must be between 1 and {7 * 86400} seconds (got {budget}).");
            var p4 = new Session(context, context.Services.GetRequiredService<P4Client>(), budget > 0 ? budget : null, cancellationToken);
            var result = await RunAsync(context, p4).ConfigureAwait(false);
            if (p4.Agent is not { } agent) return result;
            // Which agent ran the job's commands stays with the job after the agent's assignment ends (the job's page shows it).
            var outputs = result.Outputs ?? [];
            outputs[AgentOutput] = agent;
            return result with { Outputs = outputs };
        }
        catch (ActivityInputException ex)
        {
            return JobResult.Failed(ex.Message, "INVALID_INPUT");
        }
    }

    protected abstract Task<JobResult> RunAsync(JobContext context, Session p4);

    /// <summary>The command failed: its text and error class become the job's reason.</summary>
    protected static JobResult Failure(string what, P4Output output) =>
        JobResult.Failed($"{what} failed: {output.Text}".TrimEnd(), P4ErrorClass.Classify(output));

    protected static System.Text.Json.Nodes.JsonArray ToJson(IEnumerable<P4Conflict> conflicts) =>
        [.. conflicts.Select(c => new System.Text.Json.Nodes.JsonObject { ["file"] = c.File, ["fromFile"] = c.FromFile, ["reason"] = c.Reason })];

    protected static System.Text.Json.Nodes.JsonArray ToJson(IEnumerable<P4File> files) =>
        [.. files.Select(f => new System.Text.Json.Nodes.JsonObject { ["file"] = f.Path, ["action"] = f.Action, ["rev"] = f.Rev, ["fromFile"] = f.FromFile })];

    /// <summary>The job's p4 connection: its workspace, its stage's timeout.</summary>
    protected sealed class Session(JobContext context, P4Client client, int? budget, CancellationToken cancellationToken)
    {
        public string ClientName => client.Options.ClientFor(context.JobId);
        public string User => client.ServerOf(context.Instance).Options.User;

        /// <summary>The agent that ran the last command, when one did.</summary>
        public string? Agent { get; private set; }

        public Task<P4Output> RunAsync(params string[] command) => Seen(client.RunAsync(context.Instance, context.Stage, context.Waits, command, null, cancellationToken, budget));

        public Task<P4Output> RunWithInputAsync(string stdin, params string[] command) => Seen(client.RunAsync(context.Instance, context.Stage, context.Waits, command, stdin, cancellationToken, budget));

        private async Task<P4Output> Seen(Task<P4Output> running)
        {
            var output = await running.ConfigureAwait(false);
            Agent = output.Result.AgentId ?? Agent;
            return output;
        }
    }
}
