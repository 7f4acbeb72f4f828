using System.Text.Json.Nodes;
using Spectre.Console;

namespace P4Flow.Cli.Output;

/// <summary>Jobs, agents and workflows as tables for people; every cell escaped (a description may hold [brackets]).</summary>
internal static class JobTables
{
    public static void Jobs(IAnsiConsole console, JsonNode page)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("JOB", "WORKFLOW", "STATUS", "STAGE", "STARTED BY", "CREATED", "UPDATED");
        foreach (var job in page["items"]?.AsArray() ?? [])
        {
            table.AddRow(Cells(job?["id"], $"{job?["definitionId"]} v{job?["definitionVersion"]}", job?["status"], job?["stage"], job?["startedBy"],
                CliContext.Time(job?["createdAt"]), CliContext.Time(job?["updatedAt"])));
        }
        console.Write(table);
        console.WriteLine($"{page["items"]?.AsArray().Count ?? 0} of {page["total"]} (page {page["page"]}, {page["pageSize"]} a page)");
    }

    public static void Job(IAnsiConsole console, JsonNode job)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, object? value)
        {
            if (value?.ToString() is { Length: > 0 } text) grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(text));
        }
        Row("Job", job["id"]);
        Row("Workflow", $"{job["definitionId"]} v{job["definitionVersion"]}");
        Row("Status", job["status"]);
        Row("Stage", job["stage"]);
        Row("Started by", job["startedBy"]);
        Row("Created", CliContext.Time(job["createdAt"]));
        Row("Finished", CliContext.Time(job["finishedAt"]));
        Row("Input", job["input"]?.ToJsonString());
        if (job["fault"] is JsonObject fault) Row("Fault", $"{fault["errorClass"]?.ToString() ?? "error"}{(fault["activityId"] is { } a ? $" in {a}" : "")}: {fault["message"]}");
        console.Write(grid);
        if (job["history"] is JsonArray { Count: > 0 } history)
        {
            var stages = new Table().Border(TableBorder.Simple).AddColumns("ENTERED", "STAGE", "REASON");
            foreach (var change in history) stages.AddRow(Cells(CliContext.Time(change?["enteredAt"]), change?["stage"], change?["reason"]));
            console.Write(stages);
        }
        if (job["conflicts"] is JsonArray { Count: > 0 } conflicts && job["stage"]?.ToString() == JobWatch.NeedsResolve) Conflicts(console, conflicts);
    }

    /// <summary>Files to settle: from GET /api/jobs/{id}/conflicts (depotFile, theirs, yours, reason) or the job's own record (file, fromFile, reason).</summary>
    public static void Conflicts(IAnsiConsole console, JsonNode? conflicts)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("FILE", "THEIRS", "YOURS", "REASON", "SOURCE CHANGE");
        foreach (var file in conflicts?.AsArray() ?? [])
        {
            var change = file?["sourceChange"] is JsonObject c ? $"{c["number"]} by {c["user"]}" : "";
            table.AddRow(Cells(file?["depotFile"] ?? file?["file"], file?["theirs"] ?? file?["fromFile"], file?["yours"], file?["reason"], change));
        }
        console.Write(table);
    }

    public static void Agents(IAnsiConsole console, JsonNode agents)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("AGENT", "STATE", "HOST", "LOAD", "JOBS", "CIRCUIT", "CONNECTED", "VERSION");
        foreach (var agent in agents.AsArray())
        {
            var state = agent?["draining"]?.GetValue<bool>() == true ? $"{agent?["state"]} (draining)" : agent?["state"]?.ToString();
            table.AddRow(Cells(agent?["id"], state, agent?["hostname"], $"{agent?["load"]}/{agent?["maxConcurrent"]}", agent?["jobs"], agent?["circuit"],
                CliContext.Time(agent?["connectedSince"]), agent?["agentVersion"]));
        }
        console.Write(table);
    }

    public static void Workflows(IAnsiConsole console, JsonNode definitions)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("WORKFLOW", "NAME", "VERSION", "STATE", "CREATED");
        foreach (var definition in definitions.AsArray())
        {
            table.AddRow(Cells(definition?["definitionId"], definition?["name"], definition?["version"], definition?["isPublished"]?.ToString() == "true" ? "published" : "draft",
                CliContext.Time(definition?["createdAt"])));
        }
        console.Write(table);
    }

    private static Text[] Cells(params object?[] values) => [.. values.Select(v => new Text(v?.ToString() ?? ""))];
}
