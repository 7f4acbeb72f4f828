using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Activities.Perforce;

/// <summary>A job's `server` must be a configured Perforce server and its `changes` a changelist range, before the job exists.</summary>
internal sealed class PerforceInputCheck(IOptions<PerforceOptions> options) : IJobInputCheck
{
    public void Check(JsonObject input, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(errors);
        if (Text(input, P4Client.ServerInput) is { Length: > 0 } server && options.Value.ServerFor(server) is null)
            errors[$"input.{P4Client.ServerInput}"] = [$"'{server}' is not a configured Perforce server; perforce.servers has: {string.Join(", ", options.Value.ServerNames)}."];
        if (Text(input, P4Client.PortInput) is { Length: > 0 } && !options.Value.AllowJobPorts)
            errors[$"input.{P4Client.PortInput}"] = ["This orchestrator takes Perforce servers by name only (perforce.allow_job_ports is off); name one in 'server'."];
        if (Text(input, ChangeRange.Input) is { Length: > 0 } changes && ChangeRange.TryParse(changes, out var error) is null)
            errors[$"input.{ChangeRange.Input}"] = [error!];
    }

    private static string? Text(JsonObject input, string name) =>
        input[name] is JsonValue value ? value.TryGetValue<string>(out var text) ? text : value.ToJsonString() : null;
}
