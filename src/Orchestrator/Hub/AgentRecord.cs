using P4Flow.Activities.Commands;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>
/// What the hub knows of one agent across its connections: the current session (if any), the commands sent to it
/// whose results have not come back, those waiting for it to connect, its cmd_id counter and its statistics.
/// Guarded by the registry's lock.
/// </summary>
public sealed class AgentRecord(string id)
{
    public string Id { get; } = id;
    public AgentSession? Session { get; set; }
    /// <summary>The highest cmd_id given to a command for this agent.</summary>
    public long LastCmdId { get; set; }
    public Dictionary<long, PendingCommand> InFlight { get; } = [];
    public List<PendingCommand> Unsent { get; } = [];
    /// <summary>Since when the agent has been disconnected or in TIMEOUT; null while healthy.</summary>
    public DateTimeOffset? GoneSince { get; set; }
    /// <summary>The jobs placed here, with what each declared it needs (see Admission).</summary>
    public Dictionary<string, Admission.JobDemand> Jobs { get; } = new(StringComparer.Ordinal);
    public int ActiveJobs => Jobs.Count;
    /// <summary>
    /// Of <see cref="Jobs"/>, those another node of the cluster placed and runs (this node serves their commands): whether
    /// they work or wait for a person is what the cluster's database says, not this node.
    /// </summary>
    public HashSet<string> Adopted { get; } = new(StringComparer.Ordinal);
    /// <summary>Jobs placed here at once (the agent's max_jobs); 0: no limit (an agent older than 1.3).</summary>
    public int MaxJobs { get; set; }
    public double CpuCores { get; set; }
    public double MemoryGb { get; set; }

    public DateTimeOffset? ConnectedSince { get; set; }
    public DateTimeOffset? LastActive { get; set; }
    public long CommandsSent { get; set; }
    public long BytesSent { get; set; }
    public long BytesReceived { get; set; }
    public int Load { get; set; }
    public int MaxConcurrent { get; set; }
    public IReadOnlyList<string> Capabilities { get; set; } = [];
    public IReadOnlyList<string> Labels { get; set; } = [];
    public string Hostname { get; set; } = "";
    public string Address { get; set; } = "";
    public string AgentVersion { get; set; } = "";
    public string ProtocolVersion { get; set; } = "";

    public AgentState State => Session is null ? AgentState.Disconnected : Session.State;
}

/// <summary>A command for one agent: unsent (no cmd_id yet) until the agent is connected, then in flight until its result.</summary>
public sealed class PendingCommand(string agentId, string jobId, string fingerprint, Command command)
{
    public string AgentId { get; } = agentId;
    public string JobId { get; } = jobId;
    /// <summary>Same job and same program, arguments, input and environment: a resend, not a new command.</summary>
    public string Fingerprint { get; } = fingerprint;
    public Command Command { get; } = command;
    /// <summary>Its stdin is a secret: never journalled.</summary>
    public bool Secret { get; init; }
    public long CmdId => Command.CmdId;
    public bool Written { get; set; }
    /// <summary>Callers waiting for the result; 0 for a command restored from the journal until someone asks again.</summary>
    public int Waiters { get; set; }
    public long OutputChars { get; set; }
    public TaskCompletionSource<CommandResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static string FingerprintOf(CommandRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = new System.Text.StringBuilder();
        text.Append(request.JobId).Append('\0');
        foreach (var arg in request.Args) text.Append(arg).Append('\0');
        // A secret input is left out: a hash of a password is as good as the password to someone who can guess it.
        text.Append('\u0001').Append(request.SecretStdin ? "\u0003" : request.Stdin ?? "\u0002").Append('\u0001');
        foreach (var (key, value) in request.Env.OrderBy(e => e.Key, StringComparer.Ordinal)) text.Append(key).Append('=').Append(value).Append('\0');
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }
}
