using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace P4Flow.Orchestrator.Tests.Support;

/// <summary>A real orchestrator process on 127.0.0.1, started from this test's build output in a home folder of its own.</summary>
public sealed class OrchestratorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private OrchestratorProcess(Process process, string home, int port)
    {
        _process = process;
        Home = home;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Home { get; }
    public int Port { get; }
    public HttpClient Client { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static OrchestratorProcess Start(string home, int? port = null, IDictionary<string, string>? environment = null)
    {
        var chosen = port ?? FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = home,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "P4Flow.Orchestrator.dll"));
        info.Environment["P4FLOW_server__http_port"] = chosen.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Never the default hub port, which parallel tests would fight over; commands run in-process unless a test brings agents.
        info.Environment["P4FLOW_server__port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["P4FLOW_commands__runner"] = "local";
        // HTTPS needs certificates under certs/; a test that wants it sets a port.
        info.Environment["P4FLOW_server__https_port"] = "0";
        // Parallel test processes must not fight over the default metrics port.
        info.Environment["P4FLOW_monitoring__metrics_port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        return new OrchestratorProcess(process, home, chosen);
    }

    public async Task WaitReadyAsync()
    {
        await Eventually.Until(async () =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"The orchestrator exited with {_process.ExitCode}:\n{Output}");
            using var response = await Client.GetAsync(new Uri("/readyz", UriKind.Relative));
            return response.StatusCode;
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the orchestrator to be ready");
        // The orchestrator wrote its admin key on first start: every call of this client is the admin's.
        TestCredentials.SignIn(Client, TestCredentials.AdminKey(Home));
    }

    /// <summary>Stops it the hard way, as a crash or power loss would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        Client.Dispose();
    }

    /// <summary>A folder with config/master.yaml on SQLite and this project's test workflows.</summary>
    public static string CreateHome(string? masterYaml = null)
    {
        var home = Path.Combine(Path.GetTempPath(), "p4flow-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(home, "config"));
        Directory.CreateDirectory(Path.Combine(home, "workflows"));
        foreach (var file in Directory.GetFiles(ApiFactory.WorkflowsDir, "*.json"))
            File.Copy(file, Path.Combine(home, "workflows", Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(home, "config", "master.yaml"), masterYaml ?? """
            state_management:
              type: "sqlite"
              sqlite_path: "data/p4flow.db"
            """);
        return home;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
