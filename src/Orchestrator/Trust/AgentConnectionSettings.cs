using System.Globalization;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Trust;

/// <summary>
/// The agent settings (its configuration keys, as P4FLOW_AGENT_ variables take them) that point an agent with an
/// identity issued from <paramref name="tls"/> at this hub: where to dial, its certificate pair, the CA, the pinned
/// command-signing key and the token secret. One place for what the demo's agent and the test and benchmark agents share.
/// </summary>
public static class AgentConnectionSettings
{
    public static Dictionary<string, string> For(HubTlsOptions tls, string agentId, string hubHost, int hubPort, string jwtSecret)
    {
        ArgumentNullException.ThrowIfNull(tls);
        return new Dictionary<string, string>
        {
            ["agent__id"] = agentId,
            ["server__master_host"] = hubHost,
            ["server__master_port"] = hubPort.ToString(CultureInfo.InvariantCulture),
            ["server__ssl__cert_file"] = Path.GetFullPath(Path.Combine(tls.AgentsDir, agentId + ".crt")),
            ["server__ssl__key_file"] = Path.GetFullPath(Path.Combine(tls.AgentsDir, agentId + ".key")),
            ["server__ssl__ca_file"] = Path.GetFullPath(tls.CaFile),
            ["security__command_keys__0"] = HubCertificates.CommandPublicKeyFile(tls),
            ["security__jwt_secret"] = jwtSecret,
        };
    }
}
