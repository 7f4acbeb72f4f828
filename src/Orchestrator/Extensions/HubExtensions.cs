using System.Net;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Demo;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Observability;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.Extensions;

public static class HubExtensions
{
    /// <summary>
    /// Where job commands run: by default on agents through the hub (gRPC over mTLS on server.port, HTTP/2 only);
    /// with commands.runner = local, in this process (tests that need no agent).
    /// </summary>
    // The runner does the work; the decorator puts every command in the command log and the metrics.
    // Hosts without observability (a bare hub in a test) keep the plain runner.
    private static void ObserveCommands<TRunner>(IServiceCollection services) where TRunner : class, ICommandDispatcher
    {
        if (!Observed(services)) return;
        services.TryAddSingleton<TRunner>();
        services.Replace(ServiceDescriptor.Singleton<ICommandDispatcher>(sp => ActivatorUtilities.CreateInstance<ObservedCommandDispatcher>(sp, sp.GetRequiredService<TRunner>())));
    }

    /// <summary>The operator's pause in front of whatever runs commands: one gate for agents and the local runner alike.</summary>
    private static void GateCommands(IServiceCollection services)
    {
        services.TryAddSingleton<Operations.OperatorPause>();
        // In a cluster the pause is every node's.
        if (services.Any(d => d.ServiceType == typeof(Cluster.ClusterNode))) services.AddHostedService<Cluster.ClusterPause>();
        services.TryAddSingleton<P4Flow.Studio.Services.IOperationsControl>(sp => sp.GetRequiredService<Operations.OperatorPause>());
        var runner = services.Last(d => d.ServiceType == typeof(ICommandDispatcher));
        services.Remove(runner);
        services.AddSingleton<ICommandDispatcher>(sp => new Operations.PausableCommandDispatcher(Create(sp, runner), sp.GetRequiredService<Operations.OperatorPause>()));
    }

    private static ICommandDispatcher Create(IServiceProvider sp, ServiceDescriptor descriptor) => (ICommandDispatcher)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(sp)
        ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!));

    private static bool Observed(IServiceCollection services) => services.Any(d => d.ServiceType == typeof(P4FlowMetrics));

    public static IHostApplicationBuilder AddAgentHub(this IHostApplicationBuilder builder, bool demo = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var services = builder.Services;
        var commands = configuration.Section<CommandsOptions, CommandsOptionsValidation>(CommandsOptions.Section);
        services.AddOptions<CommandsOptions>().BindConfiguration(CommandsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CommandsOptions>, CommandsOptionsValidation>();
        // A bad agents: section stops the start even while commands run in-process, before anyone switches to agents.
        configuration.Section<AgentsOptions, AgentsOptionsValidation>(AgentsOptions.Section);
        if (!commands.UsesAgents)
        {
            services.AddOptions<LocalRunnerOptions>().Configure<IOptions<PerforceOptions>>((local, p4) => local.WorkspaceRoot = p4.Value.WorkspaceRoot);
            services.Replace(ServiceDescriptor.Singleton<ICommandDispatcher, LocalCommandRunner>());
            ObserveCommands<LocalCommandRunner>(services);
            GateCommands(services);
            return builder;
        }

        AddSection<HubTlsOptions, HubTlsOptionsValidation>(services, HubTlsOptions.Section);
        AddSection<HubSecurityOptions, HubSecurityOptionsValidation>(services, HubSecurityOptions.Section);
        AddSection<AgentsOptions, AgentsOptionsValidation>(services, AgentsOptions.Section);
        var tls = configuration.Section<HubTlsOptions, HubTlsOptionsValidation>(HubTlsOptions.Section);
        if (demo) DemoAgent.PrepareCertificates(tls, configuration.Section<ServerOptions, ServerOptionsValidation>(ServerOptions.Section));
        foreach (var (key, file) in new[] { ("server.ssl.ca_file", tls.CaFile), ("server.ssl.cert_file", tls.CertFile), ("server.ssl.key_file", tls.KeyFile) })
        {
            if (!File.Exists(Path.GetFullPath(file)))
                throw new OptionsValidationException(HubTlsOptions.Section, typeof(HubTlsOptions), [$"{key} {Path.GetFullPath(file)} does not exist: run `dotnet run --project src/Orchestrator -- certs init` (or set commands.runner: local to run commands in-process)."]);
        }

        services.AddSingleton(CommandTokenSecret.Resolve(configuration, demo));

        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = HubChannel.MaxMessageBytes;
            o.MaxSendMessageSize = HubChannel.MaxMessageBytes;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditLog>();
        services.AddSingleton<CommandSigner>();
        services.AddSingleton<WhitelistMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<WhitelistMonitor>());
        if (services.Any(d => d.ServiceType == typeof(Cluster.ClusterNode)))
        {
            // A node of a cluster: the journal in the database, agents of the other nodes placed on and reached through it.
            services.AddSingleton<Cluster.DatabaseHubJournal>();
            services.AddSingleton<IHubJournal>(sp => sp.GetRequiredService<Cluster.DatabaseHubJournal>());
            services.AddSingleton<Cluster.HubRequests>();
            services.AddHostedService(sp => sp.GetRequiredService<Cluster.HubRequests>());
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<Cluster.ClusterHub>(sp).Attached());
            services.AddHostedService(sp => sp.GetRequiredService<Cluster.ClusterHub>());
            services.AddSingleton<Cluster.INodeTakeover>(sp => sp.GetRequiredService<Cluster.ClusterHub>());
            services.TryAddSingleton<AgentCommandDispatcher>();
        }
        else
        {
            services.AddSingleton<HubJournal>();
            services.AddSingleton<IHubJournal>(sp => sp.GetRequiredService<HubJournal>());
        }
        services.AddSingleton<AgentCircuitBreakers>();
        services.AddSingleton<AgentRegistry>();
        services.AddSingleton<AgentDrain>();
        // Admission gives each job its agent (a free slot, room for its demand) before it runs.
        services.AddSingleton<Admission.IJobPlacement, HubJobPlacement>();
        services.AddSingleton<JobFolderReconciler>();
        services.AddSingleton<HubTls>();
        services.AddHostedService<AgentHealthMonitor>();
        // The orchestrator's answer to an agent marked TIMEOUT; a bare hub (as some tests host it) only marks it.
        if (services.Any(d => d.ServiceType == typeof(Incidents.IncidentLog)))
        {
            services.AddSingleton<Incidents.AgentHangPlaybook>();
            services.AddHostedService(sp => sp.GetRequiredService<Incidents.AgentHangPlaybook>());
        }
        services.AddHostedService<WhitelistEnforcer>();
        services.AddSingleton<IWorkflowObserver, HubJobObserver>();
        services.Replace(ServiceDescriptor.Singleton<ICommandDispatcher, AgentCommandDispatcher>());
        ObserveCommands<AgentCommandDispatcher>(services);
        GateCommands(services);
        if (Observed(services))
        {
            services.AddSingleton<HubObservation>();
            services.AddHostedService(sp => sp.GetRequiredService<HubObservation>());
            services.Replace(ServiceDescriptor.Singleton<P4Flow.Studio.Services.IAgentDirectory>(sp => sp.GetRequiredService<HubObservation>()));
        }
        if (demo) services.AddHostedService<DemoAgent>();

        // Listening on the hub's port replaces the URLs Kestrel would take from `urls`; list those again.
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration, IOptions<ServerOptions>, HubTls, IOptions<HubTlsOptions>>((kestrel, config, server, hubTls, tlsFiles) =>
        {
            foreach (var url in (config["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                Listen(kestrel, BindingAddress.Parse(url), tlsFiles.Value, server.Value);
            var hub = server.Value;
            Listen(kestrel, hub.HubHost, hub.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                var handshake = hubTls.HandshakeOptions;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    HandshakeTimeout = handshake.HandshakeTimeout,
                    OnConnectionState = handshake.OnConnectionState,
                    OnConnection = async context =>
                    {
                        var ssl = await handshake.OnConnection(context);
                        WebTls.Harden(ssl);
                        return ssl;
                    },
                });
            });
        });
        return builder;
    }

    public static WebApplication MapAgentHub(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Services.GetRequiredService<IOptions<CommandsOptions>>().Value.UsesAgents) return app;
        var port = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value.Port;
        // Only on the hub's endpoint: the plain HTTP port never serves the agent protocol. Told by the port the
        // connection arrived on, not by the Host header (RequireHost): an agent that reaches the hub through a port
        // mapping (a TCP load balancer, a container's published port, an SSH tunnel) names another port in :authority.
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != port && context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.ServiceType == typeof(AgentHubService))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });
        // Agents authenticate by their client certificate in the TLS handshake (HubTls), not by the API's schemes.
        app.MapGrpcService<AgentHubService>().AllowAnonymous();
        app.MapAgentEndpoints();
        return app;
    }

    private static void Listen(KestrelServerOptions kestrel, BindingAddress address, HubTlsOptions tls, ServerOptions server)
    {
        var https = string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase);
        if (!https && !string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
            throw new OptionsValidationException("urls", typeof(string), [$"urls holds '{address}': only http:// and https:// URLs can be given there."]);
        var host = address.Host is "*" or "+" or "0.0.0.0" ? "0.0.0.0" : address.Host;
        Listen(kestrel, host, address.Port, listen =>
        {
            if (https) listen.UseHttps(options => WebTls.Configure(options, tls, server));
        });
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions> configure)
    {
        if (host == "localhost") kestrel.ListenLocalhost(port, configure);
        else if (host == "0.0.0.0") kestrel.ListenAnyIP(port, configure);
        else kestrel.Listen(IPAddress.Parse(host), port, configure);
    }

    private static void AddSection<TOptions, TValidation>(IServiceCollection services, string section)
        where TOptions : class
        where TValidation : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidation>();
    }
}
