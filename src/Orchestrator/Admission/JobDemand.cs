using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Orchestrator.Admission;

/// <summary>
/// What one job needs while it runs, as its workflow declares it in the <c>resources</c> input
/// (<c>{"cpu_cores": 0.5, "memory_gb": 1}</c>; an edge or a caller may give other values). Admission sums the demands of
/// the jobs it has admitted against the process's quota and each agent's capacity.
/// </summary>
public readonly record struct JobDemand(double CpuCores, double MemoryGb)
{
    public const string Input = "resources";
    public const double MaxCpuCores = 1024, MaxMemoryGb = 65_536;

    public static JobDemand None => default;

    public static JobDemand operator +(JobDemand a, JobDemand b) => new(a.CpuCores + b.CpuCores, a.MemoryGb + b.MemoryGb);

    /// <summary>The job's demand; nothing for a job whose workflow declares none (it counts only as a job and a slot).</summary>
    public static JobDemand Of(JsonObject input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input[Input] is not JsonObject resources) return None;
        return new JobDemand(Number(resources["cpu_cores"]) ?? 0, Number(resources["memory_gb"]) ?? 0);
    }

    /// <summary>Whether this demand, added to <paramref name="used"/>, stays within <paramref name="cpuCores"/> and <paramref name="memoryGb"/> (0: no limit).</summary>
    public bool FitsBeside(JobDemand used, double cpuCores, double memoryGb) =>
        (cpuCores <= 0 || used.CpuCores + CpuCores <= cpuCores + 1e-9) && (memoryGb <= 0 || used.MemoryGb + MemoryGb <= memoryGb + 1e-9);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CpuCores:0.##} cores, {MemoryGb:0.##} GB");

    internal static double? Number(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<double>(out var number) && double.IsFinite(number) ? number : null;
}

/// <summary>Refuses a <c>resources</c> input admission could not honour, naming the field, when the job is started.</summary>
internal sealed class JobDemandInputCheck : IJobInputCheck
{
    public void Check(JsonObject input, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(errors);
        switch (input[JobDemand.Input])
        {
            case null:
                return;
            case JsonObject resources:
                foreach (var (name, value) in resources)
                {
                    var max = name switch { "cpu_cores" => JobDemand.MaxCpuCores, "memory_gb" => JobDemand.MaxMemoryGb, _ => -1 };
                    var key = $"input.{JobDemand.Input}.{name}";
                    if (max < 0) errors[key] = [$"Unknown resource '{name}': a job declares cpu_cores and memory_gb."];
                    else if (JobDemand.Number(value) is not { } number || number < 0 || number > max)
                        errors[key] = [string.Create(CultureInfo.InvariantCulture, $"Must be a number from 0 to {max} (got {value?.ToJsonString() ?? "null"}).")];
                }
                return;
            default:
                errors[$"input.{JobDemand.Input}"] = ["Must be an object such as {\"cpu_cores\": 1, \"memory_gb\": 2}."];
                return;
        }
    }
}
