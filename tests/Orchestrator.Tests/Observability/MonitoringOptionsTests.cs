using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Observability;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>The monitoring: keys of master.yaml: each bad value is refused naming its key.</summary>
public sealed class MonitoringOptionsTests
{
    [Theory]
    [InlineData("100M", 100L * 1024 * 1024)]
    [InlineData("512K", 512L * 1024)]
    [InlineData("512kb", 512L * 1024)]
    [InlineData("1G", 1024L * 1024 * 1024)]
    [InlineData("2048", 2048L)]
    [InlineData(" 10MB ", 10L * 1024 * 1024)]
    public void TryParse_Size_Bytes(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("M")]
    [InlineData("ten megabytes")]
    [InlineData("-5M")]
    [InlineData("1.5G")]
    [InlineData("99999999999999999999G")]
    public void TryParse_NotASize_False(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Theory]
    [InlineData("log_max_size", "100 lines", "monitoring.log_max_size")]
    [InlineData("log_max_size", "512", "monitoring.log_max_size")]
    [InlineData("log_max_files", "0", "monitoring.log_max_files")]
    [InlineData("log_file", " ", "monitoring.log_file")]
    [InlineData("commands_log", "", "monitoring.commands_log")]
    [InlineData("commands_log", "logs/p4flow.jsonl", "monitoring.commands_log")]
    [InlineData("log_level", "verbose", "monitoring.log_level")]
    [InlineData("metrics_port", "0", "monitoring.metrics_port")]
    public void Validate_BadValue_FailureNamesTheKey(string key, string value, string named)
    {
        var options = new MonitoringOptions();
        typeof(MonitoringOptions).GetProperties()
            .Single(p => p.GetCustomAttributes(typeof(Microsoft.Extensions.Configuration.ConfigurationKeyNameAttribute), false)
                .Cast<Microsoft.Extensions.Configuration.ConfigurationKeyNameAttribute>().Single().Name == key)
            .SetValue(options, key is "log_max_files" or "metrics_port" ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);

        var result = new MonitoringOptionsValidation().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Succeed() => Assert.True(new MonitoringOptionsValidation().Validate(null, new MonitoringOptions()).Succeeded);

    [Fact]
    public async Task Start_BadLogMaxSize_ExitsNamingTheKey()
    {
        var home = OrchestratorProcess.CreateHome("monitoring:\n  log_max_size: \"a lot\"\n");
        await using var process = OrchestratorProcess.Start(home);

        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("P4Flow cannot start: monitoring.log_max_size must be a size", process.Output, StringComparison.Ordinal);
    }
}
