using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using P4Flow.Cli.Output;
using Spectre.Console;
using static P4Flow.Cli.Commands.CommandExtensions;

namespace P4Flow.Cli.Commands;

/// <summary>`agents list|drain|undrain` and `workflows list|export|import|publish`.</summary>
internal static class CatalogCommands
{
    public static Command Agents(CliContext context)
    {
        var list = new Command("list", "The agents the orchestrator knows: state, load, circuit (admin role)")
            .Shows(context, _ => "/api/agents", JobTables.Agents);
        var name = new Argument<string>("agent") { Description = "The agent's id" };
        Command Drain(string verb, string path, string description) => new Command(verb, description).With(name).Runs(context, async (result, ct) =>
        {
            using var api = context.Api();
            var agent = await api.PostAsync($"/api/agents/{Segment(result.GetRequiredValue(name))}/{path}", null, ct).ConfigureAwait(false);
            if (result.GetValue(Json)) context.WriteJson(agent);
            else context.Console.WriteLine(agent["draining"]?.GetValue<bool>() == true
                ? $"{agent["id"]} drains: no new jobs; {agent["jobs"]} job(s) on it run to their end."
                : $"{agent["id"]} takes new jobs again.");
            return ExitCodes.Ok;
        });
        return new Command("agents", "The build hosts that run commands").With(list,
            Drain("drain", "drain", "Give an agent no new jobs and let its current ones finish (admin role)"),
            Drain("undrain", "undrain", "Let a drained agent take new jobs again (admin role)"));
    }

    /// <summary>`admin pause|resume|status`: the operator's pause of every command.</summary>
    public static Command Admin(CliContext context)
    {
        var reason = new Option<string>("--reason") { Description = "Why, shown on every Studio page and in the audit log" };
        Command Switch(string verb, string description, Func<ParseResult, JsonNode?> body) => new Command(verb, description).Runs(context, async (result, ct) =>
        {
            using var api = context.Api();
            var state = await api.PostAsync($"/api/admin/{verb}", body(result), ct).ConfigureAwait(false);
            Print(context, result, state);
            return ExitCodes.Ok;
        });
        var status = new Command("status", "Whether commands are paused, by whom, and how many wait").Runs(context, async (result, ct) =>
        {
            using var api = context.Api();
            Print(context, result, await api.GetAsync("/api/admin/pause", ct).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return new Command("admin", "Operator controls (admin role)").With(
            Switch("pause", "Pause everything: no command goes to an agent or a server; jobs wait before their next one", r => r.GetValue(reason) is { } why ? new JsonObject { ["reason"] = why } : null).With(reason),
            Switch("resume", "Resume after a pause: the waiting jobs go on", _ => null),
            status);
    }

    private static void Print(CliContext context, ParseResult result, JsonNode state)
    {
        if (result.GetValue(Json)) context.WriteJson(state);
        else if (state["paused"]?.GetValue<bool>() == true)
            context.Console.WriteLine($"Paused since {CliContext.Time(state["since"])} by {state["by"]}{(state["reason"] is { } r ? $" ({r})" : "")}; {state["waiting"]} command(s) waiting.");
        else context.Console.WriteLine("Not paused: commands go to agents and servers.");
    }

    public static Command Workflows(CliContext context)
    {
        var id = new Argument<string>("workflow") { Description = "The workflow's id" };
        var list = new Command("list", "Every workflow's latest version").Shows(context, _ => "/api/workflow-definitions", JobTables.Workflows);

        var version = new Option<int?>("--version") { Description = "That version instead of the latest" };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Write it to this file instead of standard output" };
        var export = new Command("export", "A workflow as its JSON file, to keep in version control or import elsewhere").With(id, version, output).Runs(context, async (result, ct) =>
        {
            var query = result.GetValue(version) is { } v ? $"?version={v}" : "";
            using var api = context.Api();
            var bytes = await api.GetBytesAsync($"/api/workflow-definitions/{Segment(result.GetRequiredValue(id))}/export{query}", ct).ConfigureAwait(false);
            if (result.GetValue(output) is { } file)
            {
                await File.WriteAllBytesAsync(file.FullName, bytes, ct).ConfigureAwait(false);
                context.Error.WriteLine($"wrote {file.FullName}");
            }
            else
            {
                await context.Output.WriteAsync(System.Text.Encoding.UTF8.GetString(bytes)).ConfigureAwait(false);
                await context.Output.WriteLineAsync().ConfigureAwait(false);
            }
            return ExitCodes.Ok;
        });

        var file = new Argument<FileInfo>("file") { Description = "An exported workflow (JSON); published at once when the file says isPublished" };
        var import = new Command("import", "Add a workflow file as a new version").With(file).Runs(context, async (result, ct) =>
        {
            var path = result.GetRequiredValue(file);
            if (!path.Exists) throw new CliException(ExitCodes.Usage, $"{path.FullName} does not exist.");
            JsonNode definition;
            try
            {
                definition = JsonNode.Parse(await File.ReadAllTextAsync(path.FullName, ct).ConfigureAwait(false)) ?? throw new CliException(ExitCodes.Usage, $"{path.Name} is empty.");
            }
            catch (JsonException ex)
            {
                throw new CliException(ExitCodes.Usage, $"{path.Name} is not JSON: {ex.Message}");
            }
            using var api = context.Api();
            var saved = await api.PostAsync("/api/workflow-definitions/import", definition, ct).ConfigureAwait(false);
            if (result.GetValue(Json)) context.WriteJson(saved);
            else context.Console.WriteLine($"{saved["definitionId"]} v{saved["version"]} imported{(saved["isPublished"]?.GetValue<bool>() == true ? " and published" : " as a draft")}");
            return ExitCodes.Ok;
        });

        var publish = new Command("publish", "Validate and publish a workflow's latest version").With(id).Runs(context, async (result, ct) =>
        {
            using var api = context.Api();
            var published = await api.PostAsync($"/api/workflow-definitions/{Segment(result.GetRequiredValue(id))}/publish", null, ct).ConfigureAwait(false);
            if (result.GetValue(Json)) context.WriteJson(published);
            else context.Console.WriteLine($"{published["definitionId"]} v{published["version"]} published");
            return ExitCodes.Ok;
        });
        return new Command("workflows", "The workflows jobs run").With(list, export, import, publish);
    }
}
