using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Tests.Cluster;

/// <summary>state_management.postgresql is checked at start: a source that gives a connection string Npgsql reads, each mistake naming its key and never showing the string.</summary>
public sealed class PostgresOptionsValidationTests
{
    private static IEnumerable<string> Failures(Action<PostgresOptions> configure)
    {
        var options = new StateManagementOptions { Type = StateManagementOptions.Postgresql };
        configure(options.Postgres);
        return new StateManagementOptionsValidation().Validate(null, options).Failures ?? [];
    }

    private static string Variable(string value)
    {
        var name = "P4FLOW_TEST_PG_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, value);
        return name;
    }

    [Fact]
    public void Validate_NoSource_AsksForOne()
    {
        Assert.Equal(["state_management.postgresql must name connection_string_env or connection_string_file when state_management.type is postgresql."], Failures(_ => { }));
    }

    [Fact]
    public void Validate_GoodConnectionString_Succeeds()
    {
        Assert.Empty(Failures(o => o.ConnectionStringEnv = Variable("Host=db.example;Port=5432;Database=p4flow;Username=p4flow;Password=s3cret")));
    }

    [Fact]
    public void Validate_VariableUnset_NamesTheKey()
    {
        var name = "P4FLOW_TEST_PG_UNSET_" + Guid.NewGuid().ToString("N");

        Assert.Equal([$"state_management.postgresql.connection_string_env names {name}, which is not set in the orchestrator's environment."], Failures(o => o.ConnectionStringEnv = name));
    }

    [Theory]
    [InlineData("Host=db.example;Colour=blue;Password=s3cret", "state_management.postgresql.connection_string_env: not a connection string Npgsql can read")]
    [InlineData("Host=db.example;Username=p4flow;Password=s3cret", "state_management.postgresql.connection_string_env: the connection string must name Host and Database.")]
    public void Validate_UnusableConnectionString_NamesTheKeyWithoutShowingIt(string connection, string expected)
    {
        var failure = Assert.Single(Failures(o => o.ConnectionStringEnv = Variable(connection)));

        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FileReadableByOthers_IsRefused()
    {
        var file = Path.Combine(Path.GetTempPath(), "p4flow-test-pg-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "Host=db.example;Database=p4flow;Password=s3cret\n");
        try
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

            Assert.Equal([$"state_management.postgresql.connection_string_file {file} may be read by others (mode 604); make it 0600."], Failures(o => o.ConnectionStringFile = file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
