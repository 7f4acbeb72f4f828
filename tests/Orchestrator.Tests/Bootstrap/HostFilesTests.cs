using System.Security.Cryptography;
using System.Text;
using P4Flow.Orchestrator.Bootstrap;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Tests.Bootstrap;

/// <summary>The files the bootstrap reads and edits: known_hosts as OpenSSH writes it, the agent whitelist as people write it.</summary>
public sealed class HostFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("p4flow-hostfiles-").FullName;

    [Fact]
    public void KnownHosts_HashedNameAndRevokedMarker_MatchChangedRevokedAndUnknown()
    {
        var key = new PresentedHostKey("ssh-ed25519", [1, 2, 3]);
        var other = new PresentedHostKey("ssh-ed25519", [4, 5, 6]);
        var salt = RandomNumberGenerator.GetBytes(20);
#pragma warning disable CA5350 // OpenSSH's hashed host names are HMAC-SHA1.
        var hash = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes("[build-7]:2222"));
#pragma warning restore CA5350
        var file = Path.Combine(_dir, "known_hosts");
        File.WriteAllText(file, $"""
            # hashed, as with HashKnownHosts yes
            |1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} ssh-ed25519 {Convert.ToBase64String(key.Blob)}
            build-8,10.0.0.8 ssh-ed25519 {Convert.ToBase64String(key.Blob)}
            @revoked build-8 ssh-ed25519 {Convert.ToBase64String(other.Blob)}

            """);

        Assert.Equal(KnownHostsFile.Verdict.Match, KnownHostsFile.Check(file, "build-7", 2222, key));
        Assert.Equal(KnownHostsFile.Verdict.Changed, KnownHostsFile.Check(file, "build-7", 2222, other));
        Assert.Equal(KnownHostsFile.Verdict.Unknown, KnownHostsFile.Check(file, "build-7", 22, key));
        Assert.Equal(KnownHostsFile.Verdict.Match, KnownHostsFile.Check(file, "10.0.0.8", 22, key));
        Assert.Equal(KnownHostsFile.Verdict.Revoked, KnownHostsFile.Check(file, "build-8", 22, other));

        // Revoking a key that an earlier line trusts: the appended @revoked line wins.
        File.AppendAllText(file, $"@revoked 10.0.0.8 ssh-ed25519 {Convert.ToBase64String(key.Blob)}\n");
        Assert.Equal(KnownHostsFile.Verdict.Revoked, KnownHostsFile.Check(file, "10.0.0.8", 22, key));
    }

    [Fact]
    public void Whitelist_PutThenRemove_ReplacesOnlyThatAgentAndKeepsComments()
    {
        var file = Path.Combine(_dir, "agent_whitelist.yaml");
        File.WriteAllText(file, """
            # who may connect
            allowed_agents:
              - hostname: "localhost"
                cert_cn: "local-agent"   # the demo's
                ip_range: "127.0.0.0/8"
              - hostname: "old"
                cert_cn: "build-7"
                ip_range: "10.0.0.1/32"

            """);

        WhitelistFile.Put(file, "build-7", "build-7.example.com", "10.0.0.7/32");

        var text = File.ReadAllText(file);
        Assert.Contains("# who may connect", text, StringComparison.Ordinal);
        Assert.Contains("# the demo's", text, StringComparison.Ordinal);
        var entries = AgentWhitelist.Parse(text).Entries;
        Assert.Equal(["local-agent", "build-7"], entries.Select(e => e.CertCn));
        Assert.Equal("build-7.example.com", entries[1].Hostname);
        Assert.Equal("10.0.0.7/32", entries[1].IpRanges.Single().ToString());

        Assert.True(WhitelistFile.Remove(file, "build-7"));
        Assert.False(WhitelistFile.Remove(file, "build-7"));
        Assert.Equal(["local-agent"], AgentWhitelist.Parse(File.ReadAllText(file)).Entries.Select(e => e.CertCn));
    }

    [Fact]
    public void Fingerprint_WellFormed_OnlyTheSha256FormSshKeygenPrints()
    {
        var fingerprint = HostKeyFingerprint.Of([1, 2, 3]);
        Assert.StartsWith("SHA256:", fingerprint, StringComparison.Ordinal);
        Assert.DoesNotContain("=", fingerprint, StringComparison.Ordinal);
        Assert.True(HostKeyFingerprint.IsWellFormed(fingerprint));
        Assert.False(HostKeyFingerprint.IsWellFormed("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48"));
        Assert.False(HostKeyFingerprint.IsWellFormed("SHA256:tooShort"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
