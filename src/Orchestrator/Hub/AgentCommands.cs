using Google.Protobuf.WellKnownTypes;
using P4Flow.Activities.Commands;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>Turns a job's command request into the protocol's Command and stamps it with its cmd_id and signature when it is sent; signs JobEnded too.</summary>
internal sealed class AgentCommands(CommandSigner? signer)
{
    /// <summary>The command as the agent will get it, still without cmd_id and signature (those come when it is written).</summary>
    public static Command Map(CommandRequest request)
    {
        var command = new Command
        {
            JobId = request.JobId,
            Stage = request.Stage ?? "",
            Workspace = request.JobId,
            Timeout = Duration.FromTimeSpan(request.Timeout),
        };
        command.Args.AddRange(request.Args);
        foreach (var (key, value) in request.Env) command.Env[key] = value;
        if (request.Stdin is not null) command.Stdin = request.Stdin;
        return command;
    }

    /// <summary>Gives the command its cmd_id and signs it for <paramref name="agentId"/>: a resent command carries the same signature.</summary>
    public void Stamp(Command command, string agentId, long cmdId)
    {
        command.CmdId = cmdId;
        signer?.Sign(command, agentId);
    }

    /// <summary>The JobEnded that has <paramref name="agentId"/> remove the job's folder, signed like a command.</summary>
    public JobEnded JobEnded(string agentId, string jobId, bool succeeded)
    {
        var ended = new JobEnded { JobId = jobId, Succeeded = succeeded };
        signer?.Sign(ended, agentId);
        return ended;
    }
}
