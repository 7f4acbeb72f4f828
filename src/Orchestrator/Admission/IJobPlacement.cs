using System.Text.Json.Nodes;

namespace P4Flow.Orchestrator.Admission;

/// <summary>What placement answered for a job admission wants to let in.</summary>
public enum PlacementOutcome
{
    /// <summary>An agent that meets the job's requirements had a free slot and the capacity; the job is its now.</summary>
    Placed,
    /// <summary>Agents that meet its requirements are connected, and every one is full: the job waits in QUEUED.</summary>
    Full,
    /// <summary>No connected agent meets its requirements: admitted, it waits for one in WAITING_FOR_AGENT (agents.wait_timeout).</summary>
    NoCandidate,
}

/// <summary>
/// Admission's view of where jobs run: the agent hub gives a job an agent with a free slot (its <c>max_jobs</c>) and the
/// capacity (cores, memory) its demand needs. A host that runs commands itself has no placement.
/// </summary>
public interface IJobPlacement
{
    PlacementOutcome TryPlace(string jobId, JsonObject input, JobDemand demand);

    /// <summary>The job waits for a person (true) or works again (false): a parked job holds no slot of its agent.</summary>
    void Park(string jobId, bool parked);

    /// <summary>A job a previous run of the host placed holds its agent's share again.</summary>
    void Restore(string jobId, JobDemand demand, bool parked);
}
