using Serilog;
using Serilog.Events;
using Serilog.Filters;
using Serilog.Templates;
using Serilog.Templates.Themes;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// Serilog from monitoring.*: the console (json or text), every event as JSON lines in log_file, and command events
/// alone in commands_log; both files roll at log_max_size and keep log_max_files files, older ones compressed into
/// log_archive_dir (<see cref="LogArchive"/>).
/// </summary>
internal static class SerilogSetup
{
    // The seed's level names, as monitoring.log_level spells them.
    private const string Level =
        "if @l = 'Information' then 'INFO' else if @l = 'Warning' then 'WARNING' else if @l = 'Error' then 'ERROR' " +
        "else if @l = 'Debug' then 'DEBUG' else if @l = 'Fatal' then 'CRITICAL' else 'TRACE'";

    /// <summary>One JSON object per line: fixed fields first, then every property (job_id, stage, workflow, ...).</summary>
    public const string JsonTemplate =
        "{ {timestamp: UtcDateTime(@t), level: " + Level + ", message: @m, logger: SourceContext, event_id: EventId.Id, exception: @x, ..Rest()} }\n";

    /// <summary>The seed's command log record.</summary>
    public const string CommandTemplate =
        "{ {timestamp: UtcDateTime(@t), level: " + Level + ", event: EventName, job_id: JobId, cmd_id: CmdId, agent_id: AgentId, " +
        "stage: Stage, duration_ms: DurationMs, error: Error, metadata: Metadata} }\n";

    private const string TextTemplate =
        "[{@t:HH:mm:ss} {@l:u3}] {#if job_id is not null}[{job_id}{#if stage is not null} {stage}{#end}] {#end}{@m}\n{@x}";

    // Frameworks that log every request, SQL command or poll at Information: only their warnings.
    private static readonly string[] Chatty = ["Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Hangfire", "System.Net.Http.HttpClient", "Grpc"];

    public static LoggerConfiguration Configure(LoggerConfiguration configuration, MonitoringOptions options, bool textConsole, LogArchives archives)
    {
        var minimum = ParseLevel(options.LogLevel);
        var quiet = (LogEventLevel)Math.Max((int)minimum, (int)LogEventLevel.Warning);
        configuration.MinimumLevel.Is(minimum);
        foreach (var source in Chatty) configuration.MinimumLevel.Override(source, quiet);
        if (!ByteSize.TryParse(options.LogMaxSize, out var maxSize)) throw new ArgumentException($"monitoring.log_max_size '{options.LogMaxSize}' is not a size.", nameof(options));

        // Every sink hangs off one sub-logger whose first step masks secrets: by then the log context and the
        // logging scopes (job_id, stage) have added their properties, so those are masked too.
        return configuration
            .Enrich.FromLogContext()
            .WriteTo.Logger(all => all
                .Enrich.With<SecretMasking>()
                .WriteTo.Console(textConsole || options.LogFormat == "text" ? TextFormatter() : new ExpressionTemplate(JsonTemplate))
                .WriteTo.File(new ExpressionTemplate(JsonTemplate), Path.GetFullPath(options.LogFile),
                    fileSizeLimitBytes: maxSize, rollOnFileSizeLimit: true, retainedFileCountLimit: options.LogMaxFiles, hooks: archives.For(options.LogFile))
                .WriteTo.Logger(commands => commands
                    .Filter.ByIncludingOnly(Matching.FromSource<CommandLog>())
                    .WriteTo.File(new ExpressionTemplate(CommandTemplate), Path.GetFullPath(options.CommandsLog),
                        fileSizeLimitBytes: maxSize, rollOnFileSizeLimit: true, retainedFileCountLimit: options.LogMaxFiles, hooks: archives.For(options.CommandsLog))));
    }

    public static LogEventLevel ParseLevel(string level) => level.ToUpperInvariant() switch
    {
        "DEBUG" => LogEventLevel.Debug,
        "WARNING" => LogEventLevel.Warning,
        "ERROR" => LogEventLevel.Error,
        _ => LogEventLevel.Information,
    };

    // Colours only for a person at a terminal, never into a file or a pipe.
    private static ExpressionTemplate TextFormatter() =>
        new ExpressionTemplate(TextTemplate, theme: Console.IsOutputRedirected ? null : TemplateTheme.Code);
}
