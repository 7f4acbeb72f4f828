using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Protocol;
using P4Flow.Protocol.Certificates;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Connection;

/// <summary>Who this agent says it is: its id (the certificate's CN unless configured), capabilities and labels.</summary>
internal sealed class AgentIdentity(IOptions<AgentOptions> agent, IOptions<HubOptions> hub)
{
    private readonly Lazy<string> _id = new(() =>
    {
        if (!string.IsNullOrWhiteSpace(agent.Value.Id)) return agent.Value.Id;
        using var certificate = CertificateFiles.Load(hub.Value.Ssl.CertFile);
        return CertificateValidation.CommonName(certificate);
    });

    public string Id => _id.Value;

    public static string AgentVersion { get; } = typeof(AgentIdentity).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <param name="jobFolders">The job folders in the workspace root, for the hub to say which jobs have ended.</param>
    public Hello Hello(long lastCmdId, int load, int maxConcurrent, IEnumerable<string> jobFolders)
    {
        var options = agent.Value;
        var hello = new Hello
        {
            AgentId = Id,
            Version = ProtocolVersion.Current,
            LastCmdId = lastCmdId,
            Load = load,
            MaxConcurrent = maxConcurrent,
            Hostname = string.IsNullOrWhiteSpace(options.Hostname) ? Environment.MachineName : options.Hostname,
            AgentVersion = AgentVersion,
            MaxJobs = options.EffectiveMaxJobs,
            CpuCores = options.EffectiveCpuCores,
            MemoryGb = options.EffectiveMemoryGb,
        };
        hello.Capabilities.AddRange(options.Capabilities);
        hello.Labels.AddRange(options.Labels);
        hello.JobFolders.AddRange(jobFolders);
        return hello;
    }
}
