using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Admission;

namespace P4Flow.Orchestrator.Hub;

/// <summary>Admission's placement on the agent pool: a job admitted is given its agent at once, so its slot is taken before it runs.</summary>
internal sealed class HubJobPlacement(AgentRegistry registry) : IJobPlacement
{
    public PlacementOutcome TryPlace(string jobId, JsonObject input, JobDemand demand)
    {
        var requirements = AgentRequirements.Of(input);
        if (registry.TryAssign(jobId, requirements, demand) is not null) return PlacementOutcome.Placed;
        return registry.AnyCandidate(requirements) ? PlacementOutcome.Full : PlacementOutcome.NoCandidate;
    }

    public void Park(string jobId, bool parked) => registry.Park(jobId, parked);

    public void Restore(string jobId, JobDemand demand, bool parked) => registry.Restore(jobId, demand, parked);
}
