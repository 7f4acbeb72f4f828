using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using P4Flow.Protocol.Security;
using P4Flow.Protocol.V1;

namespace P4Flow.Protocol.Tests.Security;

public sealed class CommandSignatureTests
{
    private static readonly Lazy<RSA> Key = new(() => RSA.Create(CommandSignature.DefaultKeySizeBits));

    private static Command Sample()
    {
        var command = new Command { CmdId = 7, JobId = "job-1", Stage = "sync", Workspace = "job-1", Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(90)), Token = "t" };
        command.Args.AddRange(["/usr/bin/p4", "sync", "//depot/\"a\"\\b\n"]);
        command.Env["P4PORT"] = "ssl:perforce:1666";
        command.Env["A"] = "é\u0001";
        return command;
    }

    [Fact]
    public void Canonical_SortsKeysEscapesAsRfc8785AndHasNoWhitespace()
    {
        var json = Encoding.UTF8.GetString(CommandSignature.Canonical(Sample(), "agent-1"));

        Assert.Equal(
            "{\"agent_id\":\"agent-1\",\"args\":[\"/usr/bin/p4\",\"sync\",\"//depot/\\\"a\\\"\\\\b\\n\"],\"cmd_id\":7,"
            + "\"env\":{\"A\":\"é\\u0001\",\"P4PORT\":\"ssl:perforce:1666\"},\"job_id\":\"job-1\",\"stage\":\"sync\",\"stdin\":null,"
            + "\"timeout\":90000,\"token\":\"t\",\"workspace\":\"job-1\"}",
            json);
    }

    [Fact]
    public void Canonical_EmptyStdinDiffersFromAbsent()
    {
        var absent = Sample();
        var empty = Sample();
        empty.Stdin = "";

        Assert.NotEqual(CommandSignature.Canonical(absent, "a"), CommandSignature.Canonical(empty, "a"));
    }

    [Fact]
    public void Verify_SignedCommand_Passes()
    {
        var command = Sample();
        CommandSignature.Sign(command, "agent-1", Key.Value);

        Assert.StartsWith(CommandSignature.KeyId(Key.Value) + ":", command.Signature, StringComparison.Ordinal);
        Assert.Null(CommandSignature.Verify(command, "agent-1", Keys()));
    }

    [Theory]
    [InlineData("args")]
    [InlineData("env")]
    [InlineData("workspace")]
    [InlineData("timeout")]
    [InlineData("stdin")]
    [InlineData("token")]
    [InlineData("cmd_id")]
    [InlineData("job_id")]
    [InlineData("stage")]
    public void Verify_AnyFieldChangedAfterSigning_Fails(string field)
    {
        var command = Sample();
        CommandSignature.Sign(command, "agent-1", Key.Value);
        switch (field)
        {
            case "args": command.Args.Add("-f"); break;
            case "env": command.Env["LD_PRELOAD"] = "/tmp/x.so"; break;
            case "workspace": command.Workspace = "../etc"; break;
            case "timeout": command.Timeout = Duration.FromTimeSpan(TimeSpan.FromHours(9)); break;
            case "stdin": command.Stdin = "x"; break;
            case "token": command.Token = "u"; break;
            case "cmd_id": command.CmdId = 8; break;
            case "job_id": command.JobId = "job-2"; break;
            case "stage": command.Stage = "other"; break;
        }

        Assert.Contains("does not match", CommandSignature.Verify(command, "agent-1", Keys()), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ForAnotherAgent_Fails()
    {
        var command = Sample();
        CommandSignature.Sign(command, "agent-1", Key.Value);

        Assert.NotNull(CommandSignature.Verify(command, "agent-2", Keys()));
    }

    [Fact]
    public void CreateKeyPair_3072Bits_SignsAndVerifies_AndAnUnlistedSizeIsRefused()
    {
        var dir = Directory.CreateTempSubdirectory("p4flow-sig-").FullName;
        try
        {
            CommandSignature.CreateKeyPair(Path.Combine(dir, "k.key"), Path.Combine(dir, "k.pub"), 3072);
            using var key = RSA.Create();
            key.ImportFromPem(File.ReadAllText(Path.Combine(dir, "k.key")));
            Assert.Equal(3072, key.KeySize);
            var command = Sample();
            CommandSignature.Sign(command, "a", key);
            var keys = CommandSignature.LoadPublicKeys([Path.Combine(dir, "k.pub")]);
            Assert.Null(CommandSignature.Verify(command, "a", keys));
            foreach (var k in keys.Values) k.Dispose();

            Assert.Throws<ArgumentOutOfRangeException>(() => CommandSignature.CreateKeyPair(Path.Combine(dir, "w.key"), Path.Combine(dir, "w.pub"), 1024));
            Assert.False(File.Exists(Path.Combine(dir, "w.key")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void LoadPublicKeys_KeyShorterThan2048Bits_RefusedNamingTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), "p4flow-weak-" + Guid.NewGuid().ToString("N")[..8] + ".pub");
        try
        {
            using (var weak = RSA.Create(1024)) File.WriteAllText(file, weak.ExportSubjectPublicKeyInfoPem());

            var error = Assert.Throws<CryptographicException>(() => CommandSignature.LoadPublicKeys([file]));

            Assert.Equal($"{file} holds a 1024-bit RSA key; command keys must have at least 2048 bits.", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void JobEnded_SignedForAnAgent_VerifiesOnlyAsSigned()
    {
        var ended = new JobEnded { JobId = "job-1", Succeeded = true };
        CommandSignature.Sign(ended, "agent-1", Key.Value);

        Assert.Null(CommandSignature.Verify(ended, "agent-1", Keys()));
        Assert.Contains("signed for another agent", CommandSignature.Verify(ended, "agent-2", Keys()), StringComparison.Ordinal);
        Assert.NotNull(CommandSignature.Verify(new JobEnded { JobId = "job-1", Succeeded = false, Signature = ended.Signature }, "agent-1", Keys()));
        Assert.NotNull(CommandSignature.Verify(new JobEnded { JobId = "job-2", Succeeded = true, Signature = ended.Signature }, "agent-1", Keys()));
        Assert.Equal("the message is not signed", CommandSignature.Verify(new JobEnded { JobId = "job-1", Succeeded = true }, "agent-1", Keys()));
    }

    [Fact]
    public void CreateKeyPair_PrivateKeyIsOwnerOnlyAndPairVerifies()
    {
        var dir = Path.Combine(Path.GetTempPath(), "p4flow-sig-" + Guid.NewGuid().ToString("N")[..8]);
        var (priv, pub) = (Path.Combine(dir, "k.key"), Path.Combine(dir, "k.pub"));
        try
        {
            CommandSignature.CreateKeyPair(priv, pub);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(priv));
            using var key = RSA.Create();
            key.ImportFromPem(File.ReadAllText(priv));
            Assert.Equal(CommandSignature.DefaultKeySizeBits, key.KeySize);
            var command = Sample();
            CommandSignature.Sign(command, "a", key);
            var keys = CommandSignature.LoadPublicKeys([pub]);
            Assert.Null(CommandSignature.Verify(command, "a", keys));
            foreach (var k in keys.Values) k.Dispose();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Dictionary<string, RSA> Keys() => new() { [CommandSignature.KeyId(Key.Value)] = Key.Value };
}
