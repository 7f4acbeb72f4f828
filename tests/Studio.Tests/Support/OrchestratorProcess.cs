using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace P4Flow.Studio.Tests.Support;

/// <summary>A real orchestrator process on 127.0.0.1, started from its build output in a home folder of its own.</summary>
public sealed class OrchestratorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private OrchestratorProcess(Process process, int port, string home)
    {
        _process = process;
        Port = port;
        Home = home;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }
    public string Home { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public HttpClient Client { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts it in a new home with config/master.yaml on SQLite and the repository's workflows.</summary>
    public static OrchestratorProcess Start(IDictionary<string, string>? environment = null)
    {
        var home = Path.Combine(Path.GetTempPath(), "p4flow-studio-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(home, "config"));
        Directory.CreateDirectory(Path.Combine(home, "workflows"));
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Workflows"), "*.json"))
            File.Copy(file, Path.Combine(home, "workflows", Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(home, "config", "master.yaml"), """
            state_management:
              type: "sqlite"
              sqlite_path: "data/p4flow.db"
            """);

        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = home,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(Paths.OrchestratorDir, "P4Flow.Orchestrator.dll"));
        info.Environment["P4FLOW_server__http_port"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["DOTNET_NOLOGO"] = "1";
        // Commands run in the orchestrator's process: no agents, no certificates needed.
        info.Environment["P4FLOW_commands__runner"] = "local";
        // Plain HTTP on a free port is all the browser needs; HTTPS would want certificates.
        info.Environment["P4FLOW_server__https_port"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        return new OrchestratorProcess(process, port, home);
    }

    public async Task WaitReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited) throw new InvalidOperationException($"The orchestrator exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await Client.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    // The orchestrator wrote the admin's key on first start: this client calls the API as admin.
                    Client.DefaultRequestHeaders.Add("X-Api-Key", ReadSecret("admin-api-key"));
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Still starting.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The orchestrator was not ready after 90 s:\n{Output}");
    }

    /// <summary>A secret the orchestrator wrote into its data folder on first start (admin-api-key, admin-password).</summary>
    public string ReadSecret(string name) => File.ReadAllText(Path.Combine(Home, "data", name)).Trim();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Client.Dispose();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still held open; the temp folder is cleaned some other day.
        }
    }

    private static int FreePort()
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
