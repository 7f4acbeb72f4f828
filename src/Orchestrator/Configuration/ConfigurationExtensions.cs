using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Configuration;

public static class ConfigurationExtensions
{
    public const string ConfigFileVariable = "P4FLOW_CONFIG";
    public const string EnvironmentPrefix = "P4FLOW_";

    /// <summary>
    /// config/master.yaml (or the file P4FLOW_CONFIG names), overridden by environment variables such as
    /// P4FLOW_state_management__resolve_check_interval=5, each section validated at start.
    /// </summary>
    public static IHostApplicationBuilder AddMasterConfiguration(this IHostApplicationBuilder builder)
    {
        var file = Environment.GetEnvironmentVariable(ConfigFileVariable) ?? Path.Combine("config", "master.yaml");
        var path = Path.GetFullPath(file);
        var explicitFile = Environment.GetEnvironmentVariable(ConfigFileVariable) is not null;
        if (explicitFile && !File.Exists(path)) throw new FileNotFoundException($"{ConfigFileVariable} names {path}, which does not exist.", path);
        builder.Configuration.AddYamlFile(path, optional: true, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);

        builder.Services.AddSectionOptions<ServerOptions, ServerOptionsValidation>(ServerOptions.Section);
        builder.Services.AddSectionOptions<StateManagementOptions, StateManagementOptionsValidation>(StateManagementOptions.Section);
        builder.Services.AddSectionOptions<MonitoringOptions, MonitoringOptionsValidation>(MonitoringOptions.Section);
        builder.Services.AddSectionOptions<ResourcesOptions, ResourcesOptionsValidation>(ResourcesOptions.Section);
        builder.Services.AddSectionOptions<RetriesOptions, RetriesOptionsValidation>(RetriesOptions.Section);
        return builder;
    }

    private static void AddSectionOptions<TOptions, TValidation>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidation : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidation>();
    }

    /// <summary>Reads and validates a section now, for settings needed while services are still being registered.</summary>
    internal static TOptions Section<TOptions, TValidation>(this IConfiguration configuration, string section)
        where TOptions : class, new()
        where TValidation : IValidateOptions<TOptions>, new()
    {
        var options = configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        var result = new TValidation().Validate(null, options);
        if (result.Failed) throw new OptionsValidationException(section, typeof(TOptions), result.Failures);
        return options;
    }
}
