using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace P4Flow.TestSupport;

/// <summary>A real orchestrator process on 127.0.0.1, started from its build output in a home folder of its own.</summary>
public sealed class OrchestratorProcess : IAsyncDisposable
{
    private readonly CapturedProcess _process;
    private readonly bool _ownsHome;

    private OrchestratorProcess(CapturedProcess process, string home, int port, bool ownsHome)
    {
        _process = process;
        _ownsHome = ownsHome;
        Home = home;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    /// <summary>The workflow definitions the test project copies to its output (Workflows/*.json).</summary>
    public static string WorkflowsDir => Path.Combine(AppContext.BaseDirectory, "Workflows");

    public string Home { get; }
    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    /// <summary>Calls the API as the admin once <see cref="WaitReadyAsync"/> returned.</summary>
    public HttpClient Client { get; }
    public string Output => _process.Output;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts it in <paramref name="home"/> (from <see cref="CreateHome"/>), which outlives it: a later start on it is a restart.</summary>
    /// <param name="environment">Settings on top of the defaults (P4FLOW_section__key), which it may override.</param>
    /// <param name="arguments">Its command line after the program (e.g. "demo").</param>
    public static OrchestratorProcess Start(string home, int? port = null, IDictionary<string, string>? environment = null, IEnumerable<string>? arguments = null) =>
        Start(home, port, environment, ownsHome: false, arguments);

    /// <summary>Starts it in a new home (see <see cref="CreateHome"/>), deleted when it is disposed.</summary>
    public static OrchestratorProcess StartInNewHome(IDictionary<string, string>? environment = null, IEnumerable<string>? arguments = null) =>
        Start(CreateHome(), null, environment, ownsHome: true, arguments);

    private static OrchestratorProcess Start(string home, int? port, IDictionary<string, string>? environment, bool ownsHome, IEnumerable<string>? arguments = null)
    {
        var chosen = port ?? Loopback.FreePort();
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = home };
        info.ArgumentList.Add(OrchestratorBuild.Program);
        foreach (var argument in arguments ?? []) info.ArgumentList.Add(argument);
        info.Environment["P4FLOW_server__http_port"] = chosen.ToString(CultureInfo.InvariantCulture);
        // Never the default hub port, which parallel tests would fight over; commands run in-process unless a test brings agents.
        info.Environment["P4FLOW_server__port"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        info.Environment["P4FLOW_commands__runner"] = "local";
        // HTTPS needs certificates under certs/; a test that wants it sets a port.
        info.Environment["P4FLOW_server__https_port"] = "0";
        // Parallel test processes must not fight over the default metrics port.
        info.Environment["P4FLOW_monitoring__metrics_port"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return new OrchestratorProcess(CapturedProcess.Start(info), home, chosen, ownsHome);
    }

    /// <summary>Waits for /readyz, then signs <see cref="Client"/> in with the admin key the orchestrator wrote on first start.</summary>
    public async Task WaitReadyAsync()
    {
        await Eventually.Until(async () =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"The orchestrator exited with {_process.ExitCode}:\n{Output}");
            using var response = await Client.GetAsync(new Uri("/readyz", UriKind.Relative));
            return response.StatusCode;
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(180), "the orchestrator to be ready");
        ApiKeys.SignIn(Client, ApiKeys.Admin(Home));
    }

    /// <summary>Stops it the hard way, as a crash or power loss would.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Stops it as systemd would: SIGTERM, then waits for it to exit by itself.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        using (var term = Process.Start("kill", ["-TERM", _process.Pid.ToString(CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
        await _process.WaitForExitAsync(timeout);
    }

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Client.Dispose();
        if (!_ownsHome) return;
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still held open; the temp folder is cleaned some other day.
        }
    }

    /// <summary>A folder with config/master.yaml (on SQLite unless <paramref name="masterYaml"/> says otherwise) and the project's workflows.</summary>
    public static string CreateHome(string? masterYaml = null)
    {
        var home = Path.Combine(Path.GetTempPath(), "p4flow-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(home, "config"));
        Directory.CreateDirectory(Path.Combine(home, "workflows"));
        foreach (var file in Directory.GetFiles(WorkflowsDir, "*.json"))
            File.Copy(file, Path.Combine(home, "workflows", Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(home, "config", "master.yaml"), masterYaml ?? """
            state_management:
              type: "sqlite"
              sqlite_path: "data/p4flow.db"
            """);
        return home;
    }
}
