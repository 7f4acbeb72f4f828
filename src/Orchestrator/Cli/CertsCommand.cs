using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Cli;

/// <summary>
/// `certs init [--force]`: the CA and the hub's certificate; `certs issue-agent NAME`: an agent's client
/// certificate. Paths come from server.ssl in config/master.yaml.
/// </summary>
internal static class CertsCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder([]);
        builder.AddMasterConfiguration();
        var tls = builder.Configuration.Section<HubTlsOptions, HubTlsOptionsValidation>(HubTlsOptions.Section);
        var server = builder.Configuration.Section<ServerOptions, ServerOptionsValidation>(ServerOptions.Section);
        switch (args)
        {
            case ["init", .. var rest]:
                var written = HubCertificates.EnsureCreated(tls, force: rest.Contains("--force"), crlUrl: WebCertificate.CrlUrl(server));
                if (written.Count == 0) await Console.Out.WriteLineAsync($"Certificates already exist ({Path.GetFullPath(tls.CaFile)}, {Path.GetFullPath(tls.CertFile)}); --force replaces them.").ConfigureAwait(false);
                foreach (var file in written) await Console.Out.WriteLineAsync($"wrote {file}").ConfigureAwait(false);
                return 0;
            case ["issue-agent", var name]:
                var (cert, key) = HubCertificates.IssueAgent(tls, name);
                await Console.Out.WriteLineAsync($"wrote {cert}\nwrote {key}\nAdd an entry with cert_cn: \"{name}\" to the agent whitelist to let it in.").ConfigureAwait(false);
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage: certs init [--force] | certs issue-agent NAME").ConfigureAwait(false);
                return 64;
        }
    }
}
