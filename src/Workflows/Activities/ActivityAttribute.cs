namespace P4Flow.Workflows.Activities;

/// <summary>Describes an activity class; the registry turns it into the descriptor everyone uses.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityAttribute(string category, string displayName) : Attribute
{
    public string Category { get; } = category;
    public string DisplayName { get; } = displayName;
    public string? Description { get; init; }
    /// <summary>The type name used in definitions; the class name when not set.</summary>
    public string? TypeName { get; init; }
    public ActivityKind Kind { get; init; } = ActivityKind.Action;
    /// <summary>The job stage an instance enters when this activity starts (e.g. SYNC).</summary>
    public string? Stage { get; init; }
    public string[] Outcomes { get; init; } = [Activity.DoneOutcome];
}

/// <summary>Marks an <see cref="Input{T}"/> property as an activity input.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class InputAttribute : Attribute
{
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public bool Required { get; init; }
    /// <summary>A default value, as a constant of the input's type.</summary>
    public object? Default { get; init; }
    /// <summary>Editor hint for the Studio: singleline, multiline, dropdown, checkbox, code.</summary>
    public string? UIHint { get; init; }
    /// <summary>The expression syntax the Studio offers first.</summary>
    public string DefaultSyntax { get; init; } = "Literal";
    /// <summary>Choices for a dropdown.</summary>
    public string[]? Options { get; init; }
}

/// <summary>Marks an <see cref="Output{T}"/> property as an activity output.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OutputAttribute : Attribute
{
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
}
