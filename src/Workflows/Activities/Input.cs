using System.Runtime.CompilerServices;
using System.Text.Json;

namespace P4Flow.Workflows.Activities;

/// <summary>A typed handle to one activity input; the value lives in the execution context.</summary>
public abstract class ActivityPort(string propertyName)
{
    /// <summary>The camel-cased key used in definitions and state.</summary>
    public string Name { get; } = JsonNamingPolicy.CamelCase.ConvertName(propertyName);

    public abstract Type ValueType { get; }
}

public sealed class Input<T>([CallerMemberName] string propertyName = "") : ActivityPort(propertyName)
{
    public override Type ValueType => typeof(T);
}

public sealed class Output<T>([CallerMemberName] string propertyName = "") : ActivityPort(propertyName)
{
    public override Type ValueType => typeof(T);
}
