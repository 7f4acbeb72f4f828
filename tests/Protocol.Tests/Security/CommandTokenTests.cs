using P4Flow.Protocol.Security;

namespace P4Flow.Protocol.Tests.Security;

public sealed class CommandTokenTests
{
    private const string Secret = "protocol-tests-secret-0123456789abcdef0123";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Validate_FreshToken_GivesNonceAndExpiry()
    {
        var token = CommandToken.Create(Secret, 5, "agent-1", TimeSpan.FromHours(1), Now);

        var claims = CommandToken.Validate(token, Secret, 5, "agent-1", Now.AddMinutes(59), out var error);

        Assert.Null(error);
        Assert.NotNull(claims);
        Assert.Equal(Now.AddHours(1), claims.Expires);
        Assert.True(claims.Nonce.Length >= 16);
        Assert.NotEqual(claims.Nonce, CommandToken.Validate(CommandToken.Create(Secret, 5, "agent-1", TimeSpan.FromHours(1), Now), Secret, 5, "agent-1", Now, out _)!.Nonce);
    }

    [Theory]
    [InlineData("expired", "expired")]
    // The agent's clock 5 minutes behind the hub's: named as such, not as "expired".
    [InlineData("early", "its clock is 300 s behind the hub's, more than the 30 s allowed")]
    [InlineData("agent", "for agent 'agent-1', not this one")]
    [InlineData("cmd", "for cmd 5, not cmd 6")]
    [InlineData("secret", "signature is wrong")]
    [InlineData("garbage", "not valid")]
    public void Validate_BadToken_SaysWhy(string kind, string why)
    {
        var token = kind == "garbage" ? "eyJ.not.a-token" : CommandToken.Create(kind == "secret" ? Secret + "x" : Secret, 5, "agent-1", TimeSpan.FromHours(1), Now);
        var (cmd, agent, at) = kind switch
        {
            "expired" => (5L, "agent-1", Now.AddHours(1).AddMinutes(1)),
            "early" => (5L, "agent-1", Now.AddMinutes(-5)),
            "agent" => (5L, "agent-2", Now),
            "cmd" => (6L, "agent-1", Now),
            _ => (5L, "agent-1", Now),
        };

        Assert.Null(CommandToken.Validate(token, Secret, cmd, agent, at, out var error));
        Assert.Contains(why, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    public void CheckSecret_MissingOrShort_NamesTheKey(string? secret) =>
        Assert.Contains("JWT_SECRET", CommandToken.CheckSecret(secret, "JWT_SECRET"), StringComparison.Ordinal);
}
