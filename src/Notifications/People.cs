using System.Net.Mail;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Notifications;

/// <summary>Where a Perforce user's mail goes: the Email field of their user spec on a server.</summary>
public interface IPersonDirectory
{
    /// <returns>The address, or null when the server has no such user (or no address for them).</returns>
    /// <exception cref="Exception">The server could not be asked now; ask again later.</exception>
    Task<string?> EmailOfAsync(string user, string? server, string? jobId, CancellationToken cancellationToken);
}

/// <summary>
/// The people a message about a job goes to: who started the job and the owners of its changes (each at the address
/// `notifications.people` gives, else the one Perforce has), and the addresses configured for its branch or edge.
/// </summary>
internal sealed class People(IOptions<NotificationOptions> options, IPersonDirectory directory)
{
    /// <returns>The addresses, and a note for each person no address was found for.</returns>
    public async Task<(List<string> Addresses, List<string> Unknown)> OfAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var p = message.Payload;
        var addresses = new List<string>();
        var unknown = new List<string>();
        var names = new List<string>();
        if (JobPayload.Text(p["job"]?["startedBy"]) is { } starter) names.Add(starter);
        if (p["owners"] is JsonArray owners) names.AddRange(owners.Select(o => JobPayload.Text(o)).OfType<string>());
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var address = await AddressOfAsync(name, JobPayload.Text(p["server"]), message.JobId, cancellationToken).ConfigureAwait(false);
            if (address is null) unknown.Add(name);
            else addresses.Add(address);
        }
        if (p["addresses"] is JsonArray configured) addresses.AddRange(configured.Select(a => JobPayload.Text(a)).OfType<string>());
        return (addresses.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), unknown);
    }

    private async Task<string?> AddressOfAsync(string name, string? server, string? jobId, CancellationToken cancellationToken)
    {
        if (options.Value.People.TryGetValue(name, out var configured)) return configured;
        if (MailAddress.TryCreate(name, out _) && name.Contains('@', StringComparison.Ordinal)) return name;
        var found = await directory.EmailOfAsync(name, server, jobId, cancellationToken).ConfigureAwait(false);
        return MailAddress.TryCreate(found, out _) ? found : null;
    }
}

/// <summary>Used when no Perforce server is wired in: people are found in `notifications.people` only.</summary>
internal sealed class NoPersonDirectory : IPersonDirectory
{
    public Task<string?> EmailOfAsync(string user, string? server, string? jobId, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
