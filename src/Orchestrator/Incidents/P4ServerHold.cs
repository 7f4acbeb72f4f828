using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Servers;
using P4Flow.Orchestrator.Admission;

namespace P4Flow.Orchestrator.Incidents;

/// <summary>New jobs for a server the P4_SERVER_DOWN playbook holds wait in QUEUED; jobs for the other servers go on.</summary>
internal sealed class P4ServerHold(P4ServerStatus status, IOptions<PerforceOptions> options) : IAdmissionGate
{
    public string? Holds(JsonObject input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var named = input[P4Client.ServerInput] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;
        // A raw p4port is no named server; a job without either uses the default one.
        if (named is null && input[P4Client.PortInput] is JsonValue) return null;
        return options.Value.ServerFor(named) is { } server ? status.HeldBecause(server.Name) : null;
    }
}
