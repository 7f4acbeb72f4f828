using System.Globalization;
using System.Text.Json;

namespace P4Flow.Branches.Watch;

/// <summary>Where a URL gate's last good change is read from (an HTTP GET; tests may answer themselves).</summary>
public interface IUrlGate
{
    /// <returns>The last changelist the URL marks good.</returns>
    /// <exception cref="UrlGateException">The URL did not answer, or answered something that is not a changelist.</exception>
    Task<int> LastGoodAsync(Uri url, CancellationToken cancellationToken);
}

public sealed class UrlGateException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A CI system's "last good change" over HTTP: a GET that answers 2xx with the changelist number as the whole body
/// (`1234`) or as JSON (`{"change": 1234}`). Anything else is no answer, and an edge whose gate cannot be read starts
/// nothing: a gate fails closed.
/// </summary>
public sealed class HttpUrlGate : IUrlGate, IDisposable
{
    /// <summary>The most of a body read: a number, or a small JSON object.</summary>
    private const int MaxBody = 4096;

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(10),
        MaxResponseContentBufferSize = MaxBody,
    };

    public async Task<int> LastGoodAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        string body;
        try
        {
            using var response = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) throw new UrlGateException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new UrlGateException($"{url} did not answer: {ex.Message}", ex);
        }
        return Parse(body) ?? throw new UrlGateException($"{url} answered '{(body.Length > 80 ? body[..80] + "..." : body)}', not a changelist number or {{\"change\": N}}");
    }

    /// <summary>The changelist in a gate's answer, or null when there is none.</summary>
    public static int? Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        body = body.Trim();
        if (int.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out var plain)) return plain;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("change", out var change))
            {
                if (change.ValueKind == JsonValueKind.Number && change.TryGetInt32(out var n) && n >= 0) return n;
                if (change.ValueKind == JsonValueKind.String && int.TryParse(change.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s)) return s;
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    public void Dispose() => _http.Dispose();
}
