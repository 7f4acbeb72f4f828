using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace P4Flow.Cli.Api;

/// <summary>
/// The orchestrator's HTTP API as the command line calls it: the profile's server and credential on every request, the
/// P4Flow CA trusted when the profile names it, and every refusal turned into a <see cref="CliException"/> that says
/// what the server said (its ProblemDetails: title, detail and each field's errors) with the matching exit code.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiClient(Profile profile, TimeSpan? timeout = null)
    {
        Profile = profile;
        if (!Uri.TryCreate(profile.Server, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
            throw new CliException(ExitCodes.Usage, $"server '{profile.Server}' is not an http:// or https:// address.");
        _http = new HttpClient(Handler(profile.CaCert), disposeHandler: true) { BaseAddress = server, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("p4flow", typeof(ApiClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        if (!string.IsNullOrEmpty(profile.ApiKey))
            _http.DefaultRequestHeaders.Add("X-Api-Key", profile.ApiKey);
        else if (!string.IsNullOrEmpty(profile.Token))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", profile.Token);
    }

    public Profile Profile { get; }

    /// <summary>The profile stored by `p4flow login`, checked for a usable credential.</summary>
    public static ApiClient FromStoredProfile(TimeProvider clock)
    {
        var profile = Profile.Load() ?? throw new CliException(ExitCodes.Unauthorized, "not signed in: run `p4flow login --server URL` (or set P4FLOW_SERVER and P4FLOW_API_KEY).");
        if (string.IsNullOrEmpty(profile.ApiKey) && string.IsNullOrEmpty(profile.Token))
            throw new CliException(ExitCodes.Unauthorized, $"no credential for {profile.Server}: run `p4flow login` (or set P4FLOW_API_KEY).");
        if (string.IsNullOrEmpty(profile.ApiKey) && profile.ExpiresAt is { } expires && expires <= clock.GetUtcNow().UtcDateTime)
            throw new CliException(ExitCodes.Unauthorized, $"your sign-in to {profile.Server} expired at {expires:yyyy-MM-dd HH:mm} UTC: run `p4flow login` again.");
        return new ApiClient(profile);
    }

    public Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonNode> PostAsync(string path, JsonNode? body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, body ?? new JsonObject(), cancellationToken);

    /// <summary>A request sent with an API key header instead of the profile's credential (login's exchange).</summary>
    public Task<JsonNode> PostWithKeyAsync(string path, string apiKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, new JsonObject(), cancellationToken, apiKey);

    public async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (text.Length == 0) return new JsonObject();
        try
        {
            return JsonNode.Parse(text) ?? new JsonObject();
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.Unreachable, $"{Profile.Server} answered {path} with something that is not JSON: is it a P4Flow orchestrator?");
        }
    }

    /// <summary>The answer's body as it came, for a file the server hands out (a workflow export).</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ExitCodes.Unreachable, $"cannot reach {Profile.Server}: {Describe(ex)}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"{Profile.Server} did not answer within {_http.Timeout.TotalSeconds:0} s.");
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The server's refusal as the user should read it: its title and detail, then each field it named.</summary>
    private static async Task<CliException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var code = status switch
        {
            401 or 403 => ExitCodes.Unauthorized,
            >= 400 and < 500 => ExitCodes.Rejected,
            _ => ExitCodes.Unreachable,
        };
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? problem = null;
        try
        {
            problem = body.Length > 0 ? JsonNode.Parse(body) : null;
        }
        catch (JsonException)
        {
            // Not ProblemDetails (a proxy's page): the status says enough.
        }
        var title = problem?["title"]?.GetValue<string>();
        var detail = problem?["detail"]?.GetValue<string>();
        var message = (title, detail) switch
        {
            ({ Length: > 0 }, { Length: > 0 }) when !detail.StartsWith(title, StringComparison.Ordinal) => $"{title}: {detail}",
            (_, { Length: > 0 }) => detail,
            ({ Length: > 0 }, _) => title,
            _ => $"{status} {response.ReasonPhrase}",
        };
        if (status == 401) message += " (run `p4flow login`)";
        var details = new List<string>();
        if (problem?["errors"] is JsonObject errors)
        {
            foreach (var (field, messages) in errors)
            {
                var lines = messages is JsonArray array ? array.Select(m => m?.ToString() ?? "") : [messages?.ToString() ?? ""];
                details.AddRange(lines.Select(line => $"{field}: {line}"));
            }
        }
        return new CliException(code, message, details);
    }

    private static string Describe(HttpRequestException ex) => ex.InnerException switch
    {
        AuthenticationException auth => $"its HTTPS certificate is not trusted ({auth.InnerException?.Message ?? auth.Message}); give P4Flow's CA with --ca-cert",
        SocketException socket => socket.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused (is the orchestrator running, on that port?)" : socket.Message,
        _ => ex.Message,
    };

    /// <summary>The system's trust, plus P4Flow's own CA when given; the host name is always checked.</summary>
    private static HttpClientHandler Handler(string? caCert)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false };
        if (string.IsNullOrEmpty(caCert)) return handler;
        if (!File.Exists(caCert)) throw new CliException(ExitCodes.Usage, $"--ca-cert {caCert} does not exist.");
        X509Certificate2Collection roots;
        try
        {
            roots = [];
            roots.ImportFromPemFile(caCert);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new CliException(ExitCodes.Usage, $"--ca-cert {caCert} is not a PEM certificate: {ex.Message}");
        }
        if (roots.Count == 0) throw new CliException(ExitCodes.Usage, $"--ca-cert {caCert} holds no certificate.");
        handler.ServerCertificateCustomValidationCallback = (_, certificate, systemChain, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (systemChain is not null)
                foreach (var element in systemChain.ChainElements.Skip(1)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            return chain.Build(certificate);
        };
        return handler;
    }

    public void Dispose() => _http.Dispose();
}
