using System.Security.Cryptography;
using P4Flow.Protocol.Security;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Tests.Execution;

/// <summary>
/// Commands the agent must refuse before running anything: each would create a side-effect file, which must not
/// exist afterwards; the refusal goes back as a failed result marked refused, with the reason.
/// </summary>
public sealed class CommandSignatureRefusalTests
{
    private static readonly Lazy<RSA> OtherKey = new(() => RSA.Create(CommandSignature.DefaultKeySizeBits));

    [Fact]
    public async Task Accept_ArgumentChangedAfterSigning_IsRefusedAndNothingRuns()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");
        TestAgent.Seal(command);
        command.Args[1] = Path.Combine(agent.Root, "other");

        await AssertRefusedAsync(agent, command, "does not match", marker, command.Args[1]);
    }

    [Fact]
    public async Task Accept_SignatureBytesChanged_IsRefusedAndNothingRuns()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");
        TestAgent.Seal(command);
        var colon = command.Signature.IndexOf(':', StringComparison.Ordinal);
        var bytes = Convert.FromBase64String(command.Signature[(colon + 1)..]);
        bytes[10] ^= 0x01;
        command.Signature = command.Signature[..(colon + 1)] + Convert.ToBase64String(bytes);

        await AssertRefusedAsync(agent, command, "does not match", marker);
    }

    [Fact]
    public async Task Accept_SignedByAnotherKey_IsRefusedAndNothingRuns()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");
        command.Token = CommandToken.Create(TestAgent.JwtSecret, command.CmdId, TestAgent.AgentId, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        CommandSignature.Sign(command, TestAgent.AgentId, OtherKey.Value);

        await AssertRefusedAsync(agent, command, "does not trust", marker);
    }

    [Fact]
    public async Task Accept_SignatureUnderTrustedKeyIdButMadeWithAnotherKey_IsRefused()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");
        command.Token = CommandToken.Create(TestAgent.JwtSecret, command.CmdId, TestAgent.AgentId, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        CommandSignature.Sign(command, TestAgent.AgentId, OtherKey.Value);
        command.Signature = CommandSignature.KeyId(TestAgent.HubKey) + command.Signature[command.Signature.IndexOf(':', StringComparison.Ordinal)..];

        await AssertRefusedAsync(agent, command, "does not match", marker);
    }

    [Fact]
    public async Task Accept_SignedForAnotherAgent_IsRefusedAndNothingRuns()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");
        TestAgent.Seal(command, "some-other-agent");

        await AssertRefusedAsync(agent, command, "does not match", marker);
    }

    [Fact]
    public async Task Accept_Unsigned_IsRefusedAndNothingRuns()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");

        await AssertRefusedAsync(agent, command, "not signed", marker);
    }

    [Fact]
    public async Task Accept_RefusedCommand_DoesNotTakeItsCmdId()
    {
        using var agent = new TestAgent();
        var (forged, _) = Touch(agent, "forged");
        agent.Executor.Accept(forged);
        await agent.NextAsync(AgentMessage.BodyOneofCase.Result);

        // The real command with the same id still runs: the forgery left nothing in the cache.
        var (real, marker) = Touch(agent, "real");
        agent.Accept(real);
        var result = await agent.NextAsync(AgentMessage.BodyOneofCase.Result);

        Assert.Equal(0, result.Result.ExitCode);
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public async Task Accept_ExpiredToken_IsRefusedAndNothingRuns()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");
        command.Token = CommandToken.Create(TestAgent.JwtSecret, command.CmdId, TestAgent.AgentId, TimeSpan.FromHours(1), DateTimeOffset.UtcNow.AddHours(-2));
        TestAgent.Seal(command);

        await AssertRefusedAsync(agent, command, "expired", marker);
    }

    [Fact]
    public async Task Accept_TokenForAnotherAgent_IsRefusedAndNothingRuns()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");
        command.Token = CommandToken.Create(TestAgent.JwtSecret, command.CmdId, "some-other-agent", TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        TestAgent.Seal(command);

        await AssertRefusedAsync(agent, command, "for agent 'some-other-agent'", marker);
    }

    [Fact]
    public async Task Accept_TokenForAnotherCmdId_IsRefusedAndNothingRuns()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");
        command.Token = CommandToken.Create(TestAgent.JwtSecret, command.CmdId + 1, TestAgent.AgentId, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        TestAgent.Seal(command);

        await AssertRefusedAsync(agent, command, "for cmd 2, not cmd 1", marker);
    }

    [Fact]
    public async Task Accept_TokenMadeWithAnotherSecret_IsRefusedAndNothingRuns()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");
        command.Token = CommandToken.Create("another-secret-0123456789abcdef0123456789", command.CmdId, TestAgent.AgentId, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        TestAgent.Seal(command);

        await AssertRefusedAsync(agent, command, "token check failed", marker);
    }

    [Fact]
    public async Task Accept_NoToken_IsRefusedAndNothingRuns()
    {
        using var agent = new TestAgent();
        var (command, marker) = Touch(agent, "made");
        CommandSignature.Sign(command, TestAgent.AgentId, TestAgent.HubKey);

        await AssertRefusedAsync(agent, command, "no token", marker);
    }

    [Fact]
    public async Task Accept_ReplayedAfterRestartWithCacheLost_RefusedByItsNonce()
    {
        var root = Path.Combine(Path.GetTempPath(), "p4flow-agent-" + Guid.NewGuid().ToString("N")[..8]);
        Command command;
        string marker;
        using (var first = new TestAgent(root: root))
        {
            (command, marker) = Touch(first, "made");
            first.Accept(command);
            Assert.Equal(0, (await first.NextAsync(AgentMessage.BodyOneofCase.Result)).Result.ExitCode);
        }
        File.Delete(marker);
        // Without its result cache the agent would run it again; the nonce, kept in the state directory, stops it.
        File.Delete(Path.Combine(root, "state", P4Flow.Agent.State.ResultCache.FileName));
        using var second = new TestAgent(root: root);

        await AssertRefusedAsync(second, command, "nonce was used before", marker);
    }

    private static (Command Command, string Marker) Touch(TestAgent agent, string name)
    {
        var marker = Path.Combine(agent.Root, name);
        Directory.CreateDirectory(agent.Root);
        return (TestAgent.Command(1, "job", "/usr/bin/touch", marker), marker);
    }

    private static async Task AssertRefusedAsync(TestAgent agent, Command command, string why, params string[] markers)
    {
        agent.Executor.Accept(command);
        var sent = await agent.NextAsync(AgentMessage.BodyOneofCase.Result);

        Assert.True(sent.Result.Refused);
        Assert.Equal(-1, sent.Result.ExitCode);
        Assert.Contains(why, sent.Result.Error, StringComparison.Ordinal);
        Assert.False(agent.Cache.TryGetResult(command.CmdId, out _));
        foreach (var marker in markers) Assert.False(File.Exists(marker), $"{marker} exists: the command ran");
    }
}
