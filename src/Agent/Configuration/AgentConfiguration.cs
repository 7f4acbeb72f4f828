using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Connection;
using P4Flow.Agent.Execution;
using P4Flow.Agent.State;
using P4Flow.Protocol.Security;

namespace P4Flow.Agent.Configuration;

public static class AgentConfiguration
{
    public const string ConfigFileVariable = "P4FLOW_AGENT_CONFIG";
    public const string EnvironmentPrefix = "P4FLOW_AGENT_";

    /// <summary>The flag that lets the agent run as root (execution.allow_root: true in the file).</summary>
    public const string AllowRootFlag = "--allow-root";

    /// <summary>
    /// config/agent.yaml (or the file P4FLOW_AGENT_CONFIG names), overridden by environment variables such as
    /// P4FLOW_AGENT_server__master_port=9443 and by the command line (--agent:id=build-7).
    /// </summary>
    public static IHostApplicationBuilder AddAgentConfiguration(this IHostApplicationBuilder builder, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var named = Environment.GetEnvironmentVariable(ConfigFileVariable);
        var path = Path.GetFullPath(named ?? Path.Combine("config", "agent.yaml"));
        if (named is not null && !File.Exists(path)) throw new FileNotFoundException($"{ConfigFileVariable} names {path}, which does not exist.", path);
        builder.Configuration.AddYamlFile(path, optional: true, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        var settings = args?.Where(a => a != AllowRootFlag).ToArray() ?? [];
        if (settings.Length > 0) builder.Configuration.AddCommandLine(settings);
        if (args?.Contains(AllowRootFlag) == true)
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{ExecutionOptions.Section}:allow_root"] = "true" });

        var services = builder.Services;
        services.AddSection<AgentOptions, AgentOptionsValidation>(AgentOptions.Section);
        services.AddSection<HubOptions, HubOptionsValidation>(HubOptions.Section);
        services.AddSection<ExecutionOptions, ExecutionOptionsValidation>(ExecutionOptions.Section);
        services.AddSection<CacheOptions, CacheOptionsValidation>(CacheOptions.Section);
        services.AddSection<SecurityOptions, SecurityOptionsValidation>(SecurityOptions.Section);
        services.AddSection<ReconnectOptions, ReconnectOptionsValidation>(ReconnectOptions.Section);
        return builder;
    }

    /// <summary>The worker: the hub connection, the executor and the result cache.</summary>
    public static IHostApplicationBuilder AddAgent(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var execution = builder.Configuration.GetSection(ExecutionOptions.Section).Get<ExecutionOptions>() ?? new ExecutionOptions();
        var services = builder.Services;
        // Draining, then the commands still running get SIGTERM and their grace before SIGKILL.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(execution.DrainTimeout + execution.KillGrace + 10));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ResultCache>();
        services.AddSingleton<HubLink>();
        services.AddSingleton<AgentIdentity>();
        services.AddSingleton<Containment>();
        services.AddSingleton<CommandRunner>();
        services.AddSingleton<JobWorkspaces>();
        services.AddSingleton<NonceStore>();
        services.AddSingleton<CommandGuard>(sp => new CommandGuard(
            CommandSignature.LoadPublicKeys(sp.GetRequiredService<IOptions<SecurityOptions>>().Value.CommandKeys),
            () => sp.GetRequiredService<AgentIdentity>().Id,
            sp.GetRequiredService<IOptions<SecurityOptions>>().Value.EffectiveJwtSecret,
            sp.GetRequiredService<NonceStore>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CommandExecutor>();
        services.AddHostedService<HubClient>();
        services.AddHostedService<State.ParentWatch>();
        AgentMetrics.Add(services);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        return builder;
    }

    public static bool IsConfigurationError(Exception ex) => ex switch
    {
        OptionsValidationException => true,
        FileNotFoundException f => f.Message.Contains(ConfigFileVariable, StringComparison.Ordinal),
        InvalidOperationException i => i.Message.Contains("configuration value", StringComparison.OrdinalIgnoreCase),
        FormatException => true,
        AggregateException a => a.InnerExceptions.All(IsConfigurationError),
        _ => false,
    };

    public static string Describe(Exception ex) => ex switch
    {
        OptionsValidationException o => string.Join(" ", o.Failures),
        AggregateException a => string.Join(" ", a.InnerExceptions.Select(Describe)),
        _ => ex.Message,
    };

    private static void AddSection<TOptions, TValidation>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidation : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidation>();
    }
}
