using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using P4Flow.Orchestrator.Bootstrap;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Security;

namespace P4Flow.Orchestrator.Cli;

/// <summary>
/// `agents bootstrap --host H --user U --key FILE --name NAME [--port 22] [--labels a,b] [--host-key-strategy S]
/// [--fingerprint SHA256:...]`, `agents restart NAME`, `agents remove NAME`: asks the running orchestrator (its API,
/// or --api URL; --api-key, $P4FLOW_API_KEY or data/admin-api-key; --token for a bearer token) and prints each step as it happens.
/// </summary>
internal static class AgentsCommand
{
    private const string Usage = "usage: agents bootstrap --host HOST --user USER --key KEYFILE|credential:NAME --name AGENT [--port 22] [--labels a,b] [--host-key-strategy known_hosts|fingerprint|tofu] [--fingerprint SHA256:...] [--api URL] [--api-key KEY | --token TOKEN]\n"
        + "       agents restart NAME [--api URL] [--api-key KEY | --token TOKEN]\n       agents remove NAME [--api URL] [--api-key KEY | --token TOKEN]";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options(args.Skip(1));
        if (options is null || args.Length == 0) return await FailAsync(Usage, 64).ConfigureAwait(false);
        using var client = Client(options);
        HttpResponseMessage response;
        switch (args[0])
        {
            case "bootstrap":
                var request = new BootstrapRequest
                {
                    Host = options.GetValueOrDefault("host"),
                    Port = int.TryParse(options.GetValueOrDefault("port", "22"), CultureInfo.InvariantCulture, out var port) ? port : -1,
                    User = options.GetValueOrDefault("user"),
                    // A path is resolved here, where the person typed it; the orchestrator reads the same file system.
                    KeyRef = options.GetValueOrDefault("key") is { } key && !key.StartsWith(BootstrapRequest.CredentialPrefix, StringComparison.Ordinal) ? Path.GetFullPath(key) : options.GetValueOrDefault("key"),
                    AgentName = options.GetValueOrDefault("name"),
                    Labels = options.GetValueOrDefault("labels")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    HostKeyStrategy = options.GetValueOrDefault("host-key-strategy"),
                    Fingerprint = options.GetValueOrDefault("fingerprint"),
                };
                response = await client.PostAsJsonAsync(new Uri("api/agents/bootstrap", UriKind.Relative), request, Json).ConfigureAwait(false);
                break;
            case "restart" when options.GetValueOrDefault("") is { } name:
                response = await client.PostAsync(new Uri($"api/agents/{Uri.EscapeDataString(name)}/restart", UriKind.Relative), null).ConfigureAwait(false);
                break;
            case "remove" when options.GetValueOrDefault("") is { } name:
                response = await client.DeleteAsync(new Uri($"api/agents/{Uri.EscapeDataString(name)}", UriKind.Relative)).ConfigureAwait(false);
                break;
            default:
                return await FailAsync(Usage, 64).ConfigureAwait(false);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                return await FailAsync($"{(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}", 1).ConfigureAwait(false);
            var operation = await response.Content.ReadFromJsonAsync<OperationView>(Json).ConfigureAwait(false);
            return await FollowAsync(client, operation!).ConfigureAwait(false);
        }
    }

    /// <summary>Polls the operation, printing each new step event, until it ends.</summary>
    private static async Task<int> FollowAsync(HttpClient client, OperationView operation)
    {
        var printed = 0;
        while (true)
        {
            foreach (var step in operation.Steps.Skip(printed))
            {
                var line = step.Status == StepStatus.Running ? $"{step.Step} ..." : $"{step.Step}: {step.Status.ToString().ToLowerInvariant()} ({step.DurationMs} ms){(step.Message is null ? "" : " " + step.Message)}";
                await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
            }
            printed = operation.Steps.Count;
            if (operation.Status != BootstrapOperations.Running) break;
            await Task.Delay(TimeSpan.FromMilliseconds(300)).ConfigureAwait(false);
            operation = (await client.GetFromJsonAsync<OperationView>(new Uri($"api/agents/operations/{operation.Id}", UriKind.Relative), Json).ConfigureAwait(false))!;
        }
        if (operation.Status == BootstrapOperations.Succeeded)
        {
            await Console.Out.WriteLineAsync($"{operation.Kind} of {operation.AgentName} succeeded in {operation.DurationMs} ms{(operation.AgentId is null ? "" : $": agent id {operation.AgentId}")}").ConfigureAwait(false);
            return 0;
        }
        return await FailAsync($"{operation.Kind} of {operation.AgentName} failed{(operation.FailedStep is null ? "" : $" at step {operation.FailedStep}")}: {operation.Error}", 1).ConfigureAwait(false);
    }

    private static HttpClient Client(Dictionary<string, string> options)
    {
        var builder = Host.CreateApplicationBuilder([]);
        builder.AddMasterConfiguration();
        var server = builder.Configuration.Section<ServerOptions, ServerOptionsValidation>(ServerOptions.Section);
        var host = server.Host is "0.0.0.0" or "::" ? "127.0.0.1" : server.Host;
        var api = options.GetValueOrDefault("api", $"http://{host}:{server.HttpPort}").TrimEnd('/') + "/";
        var client = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromMinutes(2) };
        if (options.GetValueOrDefault("token") is { } token) client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        else if (ApiKey(options, builder.Configuration) is { } key) client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        return client;
    }

    /// <summary>--api-key, else $P4FLOW_API_KEY, else the admin key the first start wrote (this host's orchestrator).</summary>
    private static string? ApiKey(Dictionary<string, string> options, ConfigurationManager configuration)
    {
        if ((options.GetValueOrDefault("api-key") ?? Environment.GetEnvironmentVariable("P4FLOW_API_KEY")) is { Length: > 0 } given) return given;
        var file = CredentialBootstrap.AdminKeyFile(configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions());
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    /// <summary>--key value pairs; the one bare word (the agent's name for restart/remove) under "".</summary>
    private static Dictionary<string, string>? Options(IEnumerable<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            if (!e.Current.StartsWith("--", StringComparison.Ordinal))
            {
                if (!result.TryAdd("", e.Current)) return null;
                continue;
            }
            var key = e.Current[2..];
            if (!e.MoveNext()) return null;
            result[key] = e.Current;
        }
        return result;
    }

    private static async Task<int> FailAsync(string message, int code)
    {
        await Console.Error.WriteLineAsync(message).ConfigureAwait(false);
        return code;
    }
}
