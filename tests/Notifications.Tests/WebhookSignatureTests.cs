using System.Text;
using P4Flow.Notifications.Channels;

namespace P4Flow.Notifications.Tests;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"a\":1}");
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_767_600_000);

    [Fact]
    public void Sign_KnownVector_MatchesOpenSsl() =>
        // printf '%s' '1767600000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
        Assert.Equal("sha256=8c144b950650b4ef3df63baa99839407646f6e136258e6a48af5ca6868643d00", WebhookSignature.Sign("s3cret", 1_767_600_000, Body));

    [Fact]
    public void Problem_GenuineAndRecent_None() =>
        Assert.Null(WebhookSignature.Problem("s3cret", "1767600000", WebhookSignature.Sign("s3cret", 1_767_600_000, Body), Body, At + TimeSpan.FromMinutes(4)));

    [Fact]
    public void Problem_BodyChanged_Refused() =>
        Assert.Equal("X-P4Flow-Signature does not match the body.",
            WebhookSignature.Problem("s3cret", "1767600000", WebhookSignature.Sign("s3cret", 1_767_600_000, Body), Encoding.UTF8.GetBytes("{\"a\":2}"), At));

    [Fact]
    public void Problem_TimestampChanged_Refused() =>
        Assert.Equal("X-P4Flow-Signature does not match the body.",
            WebhookSignature.Problem("s3cret", "1767600001", WebhookSignature.Sign("s3cret", 1_767_600_000, Body), Body, At));

    [Fact]
    public void Problem_Replayed_OutsideTheWindow() =>
        Assert.Equal("X-P4Flow-Timestamp is 360 s away from now, outside the replay window.",
            WebhookSignature.Problem("s3cret", "1767600000", WebhookSignature.Sign("s3cret", 1_767_600_000, Body), Body, At + TimeSpan.FromMinutes(6)));

    [Fact]
    public void Problem_NoSignature_Refused() =>
        Assert.Equal("X-P4Flow-Signature is missing.", WebhookSignature.Problem("s3cret", "1767600000", null, Body, At));
}
