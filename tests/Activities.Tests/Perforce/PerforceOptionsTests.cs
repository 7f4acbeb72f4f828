using Microsoft.Extensions.Configuration;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Servers;

namespace P4Flow.Activities.Tests.Perforce;

/// <summary>The `perforce:` section as master.yaml gives it: named servers, the default one, and the one-server shorthand.</summary>
public sealed class PerforceOptionsTests
{
    private static PerforceOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("perforce:" + s.Key, (string?)s.Value)))
            .Build();
        var options = new PerforceOptions();
        configuration.GetSection(PerforceOptions.Section).Bind(options);
        return options;
    }

    [Fact]
    public void Bind_NamedServers_GivesEachWithItsSettings()
    {
        var options = Bind(
            ("servers:main:port", "ssl:perforce:1666"),
            ("servers:main:backup_port", "ssl:standby:1666"),
            ("servers:main:user", "bot"),
            ("servers:main:charset", "utf8"),
            ("servers:main:fingerprint", "3F:A1"),
            ("servers:main:credentials:password_file", "/etc/p4flow/main.pw"),
            ("servers:archive:port", "archive:1666"),
            ("servers:archive:credentials:password_env", "ARCHIVE_PW"),
            ("default_server", "main"));

        Assert.Equal(["archive", "main"], options.ServerNames);
        var main = options.ServerFor("main")!;
        Assert.Equal(("ssl:perforce:1666", "ssl:standby:1666", "bot", "utf8", "3F:A1"), (main.Options.Port, main.Options.BackupPort, main.Options.User, main.Options.Charset, main.Options.Fingerprint));
        Assert.Equal("/etc/p4flow/main.pw", main.Options.Credentials.PasswordFile);
        var archive = options.ServerFor("archive")!;
        Assert.Equal(("archive:1666", "p4flow", "none"), (archive.Options.Port, archive.Options.User, archive.Options.Charset));
        Assert.Equal("ARCHIVE_PW", archive.Options.Credentials.PasswordEnv);
        Assert.True(archive.Options.Credentials.Configured);
    }

    [Fact]
    public void ServerFor_NoName_GivesDefaultServer()
    {
        var options = Bind(("servers:main:port", "main:1666"), ("servers:archive:port", "archive:1666"), ("default_server", "archive"));

        Assert.Equal("archive", options.ServerFor(null)?.Name);
    }

    [Fact]
    public void ServerFor_NoNameAndOneServer_GivesThatServer()
    {
        var options = Bind(("servers:main:port", "main:1666"));

        Assert.Equal("main", options.ServerFor(null)?.Name);
    }

    [Fact]
    public void ServerFor_NoNameAndSeveralServersWithoutDefault_GivesNone()
    {
        var options = Bind(("servers:main:port", "main:1666"), ("servers:archive:port", "archive:1666"));

        Assert.Null(options.ServerFor(null));
    }

    [Fact]
    public void ServerFor_UnknownName_GivesNone()
    {
        var options = Bind(("servers:main:port", "main:1666"));

        Assert.Null(options.ServerFor("Main"));
        Assert.Null(options.ServerFor("default"));
    }

    [Fact]
    public void EffectiveServers_Shorthand_IsTheServerNamedDefault()
    {
        var options = Bind(("port", "perforce:1999"), ("user", "builder"));

        var server = Assert.Single(options.EffectiveServers);
        Assert.Equal("default", server.Key);
        Assert.Equal(("perforce:1999", "builder"), (server.Value.Port, server.Value.User));
        Assert.False(server.Value.Credentials.Configured);
        Assert.Equal("default", options.ServerFor(null)?.Name);
    }

    [Fact]
    public void EffectiveServers_NothingConfigured_IsPerforce1666AsP4flow()
    {
        var server = Assert.Single(new PerforceOptions().EffectiveServers);

        Assert.Equal(("default", "perforce:1666", "p4flow"), (server.Key, server.Value.Port, server.Value.User));
    }

    [Fact]
    public void EffectiveServers_ShorthandBesideServers_IgnoresShorthand()
    {
        var options = Bind(("port", "perforce:1999"), ("servers:main:port", "main:1666"));

        Assert.Equal(["main"], options.ServerNames);
    }

    [Theory]
    [InlineData("ssl:perforce:1666", null, true)]
    [InlineData("ssl4:perforce:1666", null, true)]
    [InlineData("ssl6:[::1]:1666", null, true)]
    [InlineData("ssl64:perforce:1666", null, true)]
    [InlineData("ssl46:perforce:1666", null, true)]
    [InlineData("tcp:perforce:1666", "ssl:standby:1666", true)]
    [InlineData("perforce:1666", null, false)]
    [InlineData("tcp:perforce:1666", "standby:1666", false)]
    [InlineData("1666", null, false)]
    [InlineData("sslgate:1666", null, false)]
    [InlineData("ssl-proxy.example.com:1666", "sslstandby:1666", false)]
    public void IsSsl_Port_TrueOnlyForSslTransport(string port, string? backup, bool ssl)
    {
        Assert.Equal(ssl, new PerforceServerOptions { Port = port, BackupPort = backup }.IsSsl);
    }
}
