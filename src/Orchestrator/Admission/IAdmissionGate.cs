using System.Text.Json.Nodes;

namespace P4Flow.Orchestrator.Admission;

/// <summary>A reason outside the quotas for a job to wait in QUEUED (its Perforce server is down); it holds only the jobs it names.</summary>
public interface IAdmissionGate
{
    /// <summary>Why a job with these inputs must wait now; null when it need not.</summary>
    string? Holds(JsonObject input);
}
