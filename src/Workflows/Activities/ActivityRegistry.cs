using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Workflows.Activities;

/// <summary>The activity types this engine knows, by type name, each with its descriptor.</summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, ActivityDescriptor> _byType = new(StringComparer.Ordinal);

    public ActivityRegistry(IEnumerable<Activity> activities)
    {
        foreach (var activity in activities)
        {
            var descriptor = Describe(activity);
            if (!_byType.TryAdd(descriptor.Type, descriptor))
                throw new InvalidOperationException($"Two activity classes declare the type name '{descriptor.Type}'.");
        }
    }

    public IReadOnlyCollection<ActivityDescriptor> Descriptors => _byType.Values;

    public ActivityDescriptor? Find(string type) => _byType.GetValueOrDefault(type);

    public ActivityDescriptor Get(string type) =>
        Find(type) ?? throw new InvalidOperationException($"Unknown activity type '{type}'.");

    public static ActivityDescriptor Describe(Activity activity)
    {
        var type = activity.GetType();
        var attribute = type.GetCustomAttribute<ActivityAttribute>()
            ?? throw new InvalidOperationException($"{type.Name} has no [Activity] attribute.");
        var inputs = new List<InputDescriptor>();
        var outputs = new List<OutputDescriptor>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetValue(activity) is not ActivityPort port) continue;
            if (property.GetCustomAttribute<InputAttribute>() is { } input)
            {
                var dataType = DataTypes.FromClr(port.ValueType);
                inputs.Add(new InputDescriptor(
                    port.Name,
                    input.DisplayName ?? property.Name,
                    dataType,
                    input.Required,
                    input.Default is null ? null : JsonSerializer.SerializeToNode(input.Default, WorkflowJson.Options),
                    input.UIHint ?? DefaultHint(dataType, input.Options),
                    input.DefaultSyntax,
                    input.Description,
                    input.Options));
            }
            else if (property.GetCustomAttribute<OutputAttribute>() is { } output)
            {
                outputs.Add(new OutputDescriptor(port.Name, output.DisplayName ?? property.Name, DataTypes.FromClr(port.ValueType), output.Description));
            }
        }

        return new ActivityDescriptor
        {
            Type = attribute.TypeName ?? type.Name,
            Category = attribute.Category,
            DisplayName = attribute.DisplayName,
            Description = attribute.Description,
            Kind = attribute.Kind,
            Stage = attribute.Stage,
            Outcomes = attribute.Outcomes,
            Inputs = inputs,
            Outputs = outputs,
            Activity = activity,
        };
    }

    private static string DefaultHint(DataType type, string[]? options) => options is not null ? "dropdown" : type switch
    {
        DataType.Boolean => "checkbox",
        DataType.Object or DataType.Array or DataType.Any => "multiline",
        _ => "singleline",
    };

    internal static JsonNode? DefaultFor(InputDescriptor input) => input.Default?.DeepClone();
}
