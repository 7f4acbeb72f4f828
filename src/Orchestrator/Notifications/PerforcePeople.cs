using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Servers;
using P4Flow.Notifications;
using P4Flow.Orchestrator.BackgroundJobs;

namespace P4Flow.Orchestrator.Notifications;

/// <summary>
/// A person's address from Perforce: the Email field of `p4 -ztag user -o NAME` on the job's server, asked through an
/// agent the job could use (under the job's cleanup run, which leaves no folder behind). A user the server does not
/// know gets a default form without Update; that is no address, not user@host. Answers are kept ten minutes.
/// </summary>
internal sealed class PerforcePeople(P4Client p4, TimeProvider clock) : IPersonDirectory
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<(string Server, string User), (string? Email, DateTimeOffset Until)> _known = new();

    public async Task<string?> EmailOfAsync(string user, string? server, string? jobId, CancellationToken cancellationToken)
    {
        if (jobId is null) return null;
        var target = p4.Options.ServerFor(server);
        if (target is null) return null;
        if (_known.TryGetValue((target.Name, user), out var known) && known.Until > clock.GetUtcNow()) return known.Email;
        var output = await p4.RunAsync(new P4Target(target, p4.Options.ClientFor(jobId), JobCleanupJobs.RunIdOf(jobId)), "NOTIFY", null,
            ["user", "-o", user], null, cancellationToken).ConfigureAwait(false);
        if (output.Failed) throw new InvalidOperationException($"p4 user -o {user} failed on {target.Name}: {output.Text}");
        var spec = output.Records.FirstOrDefault(r => r.ContainsKey("User"));
        var email = spec is not null && spec.ContainsKey("Update") && spec.TryGetValue("Email", out var found) && !string.IsNullOrWhiteSpace(found) ? found : null;
        _known[(target.Name, user)] = (email, clock.GetUtcNow() + KeepFor);
        return email;
    }
}

/// <summary>The Perforce servers' passwords, which no message may carry.</summary>
internal sealed class PerforceSecrets(IOptions<PerforceOptions> options) : IKnownSecrets
{
    public IEnumerable<string> Values() =>
        options.Value.ServerNames.Select(n => options.Value.ServerFor(n)).OfType<P4Server>()
            .Select(s => P4Credentials.Read(s.Options.Credentials)).OfType<string>();
}
