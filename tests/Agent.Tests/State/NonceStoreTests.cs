using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;
using P4Flow.Agent.State;

namespace P4Flow.Agent.Tests.State;

public sealed class NonceStoreTests
{
    private static NonceStore Open(string dir) => new(Options.Create(new AgentOptions { StateDir = dir }), TimeProvider.System);

    [Fact]
    public void TryUse_ThousandsOfLiveNonces_EveryReplayRefusedAlsoAfterRestart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "p4flow-nonces-" + Guid.NewGuid().ToString("N")[..8]);
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        var nonces = Enumerable.Range(0, 3000).Select(i => $"nonce-{i:D6}-abcdefgh").ToList();
        using (var store = Open(dir))
        {
            Assert.All(nonces, n => Assert.True(store.TryUse(n, expires)));
            Assert.All(nonces, n => Assert.False(store.TryUse(n, expires)));
            Assert.True(store.TryUse("expired-nonce-abcdefgh", DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        using var reopened = Open(dir);

        Assert.All(nonces, n => Assert.False(reopened.TryUse(n, expires)));
        Assert.True(reopened.TryUse("fresh-nonce-abcdefgh", expires));
    }
}
