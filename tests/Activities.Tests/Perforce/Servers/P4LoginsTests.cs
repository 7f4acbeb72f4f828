using P4Flow.Activities.Perforce.Servers;

namespace P4Flow.Activities.Tests.Perforce.Servers;

/// <summary>At most one login a minute per host and server, none for a minute after one failed, and one at a time.</summary>
public sealed class P4LoginsTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 3, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly P4Logins _logins;

    public P4LoginsTests() => _logins = new P4Logins(_clock);

    [Fact]
    public void TryBegin_SecondWithinAMinute_NamesHostAndServer()
    {
        Assert.Null(_logins.TryBegin("main", "agent-1"));
        _clock.Advance(TimeSpan.FromSeconds(59));

        var reason = _logins.TryBegin("main", "agent-1");

        Assert.Equal("agent-1 logged in to Perforce server 'main' at 12:00:00 UTC and the server still refuses its ticket; P4Flow does not log in again within a minute", reason);
    }

    [Fact]
    public void TryBegin_AMinuteLater_IsAllowedAgain()
    {
        Assert.Null(_logins.TryBegin("main", "agent-1"));
        _clock.Advance(P4Logins.Pause);

        Assert.Null(_logins.TryBegin("main", "agent-1"));
        Assert.NotNull(_logins.TryBegin("main", "agent-1"));
    }

    [Fact]
    public void TryBegin_OtherHostOrServer_IsAllowed()
    {
        Assert.Null(_logins.TryBegin("main", "agent-1"));

        Assert.Null(_logins.TryBegin("main", "agent-2"));
        Assert.Null(_logins.TryBegin("archive", "agent-1"));
    }

    [Fact]
    public void Failed_AnyHostOnThatServer_IsBarredForAMinute()
    {
        _clock.Advance(TimeSpan.FromSeconds(5));
        _logins.Failed("main");
        _clock.Advance(TimeSpan.FromSeconds(30));

        var reason = _logins.TryBegin("main", "the orchestrator");

        Assert.Equal("a login to Perforce server 'main' failed at 12:00:05 UTC; P4Flow tries again no sooner than a minute later, so the account is not locked out", reason);
        Assert.NotNull(_logins.TryBegin("main", "agent-7"));
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(_logins.TryBegin("main", "agent-7"));
    }

    [Fact]
    public void Failed_OtherServer_IsNotBarred()
    {
        _logins.Failed("main");

        Assert.Null(_logins.TryBegin("archive", "agent-1"));
    }

    [Fact]
    public async Task OneAtATimeAsync_SameServerAndHost_SecondWaitsForFirst()
    {
        var first = new TaskCompletionSource<int>();
        var secondStarted = false;

        var running = _logins.OneAtATimeAsync("main", "agent-1", () => first.Task);
        var waiting = _logins.OneAtATimeAsync("main", "agent-1", () => { secondStarted = true; return Task.FromResult(2); });

        Assert.False(secondStarted);
        Assert.False(waiting.IsCompleted);
        first.SetResult(1);
        Assert.Equal(1, await running);
        Assert.Equal(2, await waiting);
        Assert.True(secondStarted);
    }

    [Fact]
    public async Task OneAtATimeAsync_FirstThrows_SecondStillRuns()
    {
        var first = new TaskCompletionSource<int>();

        var running = _logins.OneAtATimeAsync("main", "agent-1", () => first.Task);
        var waiting = _logins.OneAtATimeAsync("main", "agent-1", () => Task.FromResult(2));
        first.SetException(new InvalidOperationException("p4 vanished"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => running);
        Assert.Equal(2, await waiting);
    }

    [Fact]
    public async Task OneAtATimeAsync_OtherHostOrServer_RunsAlongside()
    {
        var first = new TaskCompletionSource<int>();
        var running = _logins.OneAtATimeAsync("main", "agent-1", () => first.Task);

        var otherHost = _logins.OneAtATimeAsync("main", "agent-2", () => Task.FromResult(2));
        var otherServer = _logins.OneAtATimeAsync("archive", "agent-1", () => Task.FromResult(3));

        // Done while the first is still running: neither waited for it.
        Assert.False(running.IsCompleted);
        Assert.True(otherHost.IsCompletedSuccessfully);
        Assert.True(otherServer.IsCompletedSuccessfully);
        Assert.Equal(2, await otherHost);
        Assert.Equal(3, await otherServer);
        first.SetResult(1);
        Assert.Equal(1, await running);
    }

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
