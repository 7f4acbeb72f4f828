using P4Flow.Activities.Perforce.Servers;

namespace P4Flow.Activities.Tests.Perforce.Servers;

/// <summary>A server's password from the orchestrator's environment or from a file only its owner may read.</summary>
public sealed class P4CredentialsTests : IDisposable
{
    private const string Key = "perforce.servers.main.credentials";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _folder = Directory.CreateTempSubdirectory("p4flow-credentials-").FullName;
    private readonly string _variable = "P4FLOW_TEST_PASSWORD_" + Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        Directory.Delete(_folder, recursive: true);
    }

    private string PasswordFile(string content, UnixFileMode mode = OwnerOnly)
    {
        var path = Path.Combine(_folder, "password");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void Read_PasswordEnvSet_GivesItsValue()
    {
        Environment.SetEnvironmentVariable(_variable, "s3cret");
        var credentials = new P4CredentialsOptions { PasswordEnv = _variable };

        Assert.Null(P4Credentials.Problem(Key, credentials));
        Assert.Equal("s3cret", P4Credentials.Read(credentials));
    }

    [Fact]
    public void Problem_PasswordEnvUnset_NamesTheVariable()
    {
        var problem = P4Credentials.Problem(Key, new P4CredentialsOptions { PasswordEnv = _variable });

        Assert.Equal($"{Key}.password_env names {_variable}, which is not set in the orchestrator's environment.", problem);
    }

    [Theory]
    [InlineData("s3cret\n")]
    [InlineData("s3cret\r\n")]
    [InlineData("s3cret")]
    public void Read_OwnerOnlyFile_GivesPasswordWithoutLineEnd(string content)
    {
        var credentials = new P4CredentialsOptions { PasswordFile = PasswordFile(content) };

        Assert.Null(P4Credentials.Problem(Key, credentials));
        Assert.Equal("s3cret", P4Credentials.Read(credentials));
    }

    [Fact]
    public void Read_PasswordWithSpaces_KeepsThem()
    {
        var credentials = new P4CredentialsOptions { PasswordFile = PasswordFile(" pass word \n") };

        Assert.Equal(" pass word ", P4Credentials.Read(credentials));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead, "440")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherRead, "404")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite, "620")]
    public void Problem_FileOthersMayRead_NamesFileAndFix(UnixFileMode mode, string octal)
    {
        var path = PasswordFile("s3cret\n", mode);

        var problem = P4Credentials.Problem(Key, new P4CredentialsOptions { PasswordFile = path });

        Assert.Equal($"{Key}.password_file {path} may be read by others (mode {octal}); make it 0600.", problem);
    }

    [Fact]
    public void Problem_FileMissing_NamesTheFile()
    {
        var path = Path.Combine(_folder, "nowhere");

        var problem = P4Credentials.Problem(Key, new P4CredentialsOptions { PasswordFile = path });

        Assert.Equal($"{Key}.password_file {path} does not exist.", problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4097)]
    public void Problem_FileEmptyOrHuge_AsksForOnePassword(int length)
    {
        var path = PasswordFile(new string('x', length));

        var problem = P4Credentials.Problem(Key, new P4CredentialsOptions { PasswordFile = path });

        Assert.Equal($"{Key}.password_file {path} must hold one secret (1 to 4096 bytes).", problem);
    }

    [Fact]
    public void Problem_BothSources_AsksForOne()
    {
        Environment.SetEnvironmentVariable(_variable, "s3cret");
        var credentials = new P4CredentialsOptions { PasswordEnv = _variable, PasswordFile = PasswordFile("s3cret\n") };

        Assert.Equal($"{Key} must name either password_env or password_file, not both.", P4Credentials.Problem(Key, credentials));
    }

    [Fact]
    public void Read_NoSource_GivesNoPassword()
    {
        var credentials = new P4CredentialsOptions();

        Assert.False(credentials.Configured);
        Assert.Null(P4Credentials.Problem(Key, credentials));
        Assert.Null(P4Credentials.Read(credentials));
    }
}
