using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Configuration;

/// <summary>Recognises a bad setting among start-up failures, so it is reported in one line that names the key.</summary>
internal static class StartupError
{
    public static bool IsConfiguration(Exception ex) => ex switch
    {
        OptionsValidationException => true,
        FileNotFoundException f => f.Message.Contains(ConfigurationExtensions.ConfigFileVariable, StringComparison.Ordinal),
        // The binder's message names the key: "Failed to convert configuration value 'x' at 'section:key' to type ...".
        InvalidOperationException i => i.Message.Contains("configuration value", StringComparison.OrdinalIgnoreCase),
        FormatException or YamlDotNet.Core.YamlException => true,
        AggregateException a => a.InnerExceptions.All(IsConfiguration),
        _ => false,
    };

    public static string Describe(Exception ex) => ex switch
    {
        OptionsValidationException o => string.Join(" ", o.Failures),
        AggregateException a => string.Join(" ", a.InnerExceptions.Select(Describe)),
        _ => ex.Message,
    };
}
