using P4Flow.Notifications;

namespace P4Flow.Notifications.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 172_800)]
    [InlineData("45", 45)]
    [InlineData("1.5m", 90)]
    [InlineData(" 5M ", 300)]
    public void TryParse_WrittenAsPeopleWriteThem_GivesSeconds(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10 minutes")]
    [InlineData("-5s")]
    [InlineData("5w")]
    [InlineData("1000d")]
    public void TryParse_NotADuration_IsRefused(string text) => Assert.False(Durations.TryParse(text, out _));
}
