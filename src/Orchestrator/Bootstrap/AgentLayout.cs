using System.Globalization;
using System.Text;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>
/// Where an agent lives on its host: {home}/p4flow/{name} holding bin/ (the build), certs/ (0700, files 0600),
/// agent.yaml and agent.env (0600: the command-token secret), state/, workspaces/, agent.pid and agent.log; all owned
/// by the agent user. Several agents may share a host under different names.
/// </summary>
public sealed record AgentLayout(string Name, string User, string Home, bool AsRoot)
{
    public string Root => $"{Home.TrimEnd('/')}/p4flow";
    public string Base => $"{Root}/{Name}";
    public string Bin => Base + "/bin";
    public string Certs => Base + "/certs";
    public string Config => Base + "/agent.yaml";
    public string EnvFile => Base + "/agent.env";
    public string PidFile => Base + "/agent.pid";
    public string LogFile => Base + "/agent.log";
    public string Bundle => Base + "/agent.tar.gz";
    public string Unit => $"p4flow-agent-{Name}.service";
    public string UnitFile => "/etc/systemd/system/" + Unit;
    public string CertFile => Certs + "/agent.crt";
    public string KeyFile => Certs + "/agent.key";
    public string CaFile => Certs + "/ca.crt";
    public string CommandKey => Certs + "/command-signing.pub";
    public string Executable => Bin + "/P4Flow.Agent";

    /// <summary>
    /// A shell line that stops when p4flow/, the agent's folder or its certs/ is a symbolic link. The agent user owns
    /// that tree and its jobs could plant one; root must never write, chmod or chown through it.
    /// </summary>
    public string RefuseLinks() =>
        $"for p in {Sh.Quote(Root)} {Sh.Quote(Base)} {Sh.Quote(Certs)}; do if [ -L \"$p\" ]; then echo \"$p is a symbolic link: refusing to write through it\" >&2; exit 3; fi; done; ";

    /// <summary>The agent's agent.yaml: everything the agent needs but the command-token secret (in agent.env).</summary>
    public string AgentYaml(string hubHost, int hubPort, IEnumerable<string> labels, IEnumerable<string> allowedExecutables, bool allowRoot) => new StringBuilder()
        .AppendLine(CultureInfo.InvariantCulture, $"# Written by the P4Flow orchestrator's SSH bootstrap; bootstrapping again replaces it.")
        .AppendLine("agent:")
        .AppendLine(CultureInfo.InvariantCulture, $"  id: {Yaml(Name)}")
        .AppendLine(CultureInfo.InvariantCulture, $"  workspace: {Yaml(Base + "/workspaces")}")
        .AppendLine(CultureInfo.InvariantCulture, $"  state_dir: {Yaml(Base + "/state")}")
        .AppendLine("  capabilities: [\"p4\"]")
        .AppendLine(CultureInfo.InvariantCulture, $"  labels: {List(labels)}")
        .AppendLine("server:")
        .AppendLine(CultureInfo.InvariantCulture, $"  master_host: {Yaml(hubHost)}")
        .AppendLine(CultureInfo.InvariantCulture, $"  master_port: {hubPort}")
        .AppendLine("  ssl:")
        .AppendLine(CultureInfo.InvariantCulture, $"    cert_file: {Yaml(CertFile)}")
        .AppendLine(CultureInfo.InvariantCulture, $"    key_file: {Yaml(KeyFile)}")
        .AppendLine(CultureInfo.InvariantCulture, $"    ca_file: {Yaml(CaFile)}")
        .AppendLine("execution:")
        .AppendLine(CultureInfo.InvariantCulture, $"  allowed_executables: {List(allowedExecutables)}")
        // Only an agent whose user is root runs commands as root; the bootstrap says so explicitly.
        .AppendLine(CultureInfo.InvariantCulture, $"  allow_root: {(allowRoot ? "true" : "false")}")
        .AppendLine("security:")
        .AppendLine(CultureInfo.InvariantCulture, $"  command_keys: [{Yaml(CommandKey)}]")
        .ToString();

    /// <summary>A systemd unit running the agent as its user, restarted when it fails.</summary>
    public string SystemdUnit() => $"""
        [Unit]
        Description=P4Flow agent {Name}
        After=network-online.target
        Wants=network-online.target

        [Service]
        User={User}
        WorkingDirectory={Base}
        Environment=P4FLOW_AGENT_CONFIG={Config}
        EnvironmentFile={EnvFile}
        ExecStart={Executable}
        Restart=on-failure
        RestartSec=5
        KillSignal=SIGTERM
        TimeoutStopSec=60
        NoNewPrivileges=true

        [Install]
        WantedBy=multi-user.target

        """;

    /// <summary>Starts the agent detached from the SSH session; the agent's own pid goes to agent.pid.</summary>
    public string DetachedStart()
    {
        var launch = $"cd {Sh.Quote(Base)} && echo $$ > {Sh.Quote(PidFile)} && set -a && . {Sh.Quote(EnvFile)} && set +a && P4FLOW_AGENT_CONFIG={Sh.Quote(Config)} exec {Sh.Quote(Executable)}";
        var asUser = AsRoot ? $"runuser -u {User} -- sh -c {Sh.Quote(launch)}" : $"sh -c {Sh.Quote(launch)}";
        return $"rm -f {Sh.Quote(PidFile)}; setsid nohup {asUser} >> {Sh.Quote(LogFile)} 2>&1 < /dev/null &";
    }

    /// <summary>
    /// Stops a detached agent (SIGTERM lets it drain, SIGKILL after 60 s); nothing to do when none runs. A stopped
    /// (frozen) agent gets SIGCONT after the SIGTERM, so it acts on it at once instead of at the SIGKILL; so does its
    /// process group, where runuser (which stops itself when its child stops) must wake to reap it: a zombie counts as gone.
    /// </summary>
    public string DetachedStop() =>
        $"if [ -f {Sh.Quote(PidFile)} ]; then pid=$(cat {Sh.Quote(PidFile)}); "
        + "alive() { kill -0 \"$pid\" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' /proc/\"$pid\"/status 2>/dev/null; }; "
        + "if alive; then pgid=$(ps -o pgid= -p \"$pid\" 2>/dev/null | tr -d ' '); kill -TERM \"$pid\"; kill -CONT \"$pid\"; "
        + "[ -n \"$pgid\" ] && kill -CONT -- \"-$pgid\" 2>/dev/null; "
        + "i=0; while alive && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL \"$pid\" 2>/dev/null; fi; "
        + $"rm -f {Sh.Quote(PidFile)}; fi; true";

    private static string Yaml(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Yaml)) + "]";
}
