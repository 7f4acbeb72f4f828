using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Studio.Components;

/// <summary>One activity input, edited as its descriptor says: an editor per type and UI hint, and a syntax choice (Literal or JavaScript).</summary>
public partial class InputEditor
{
    [Parameter, EditorRequired] public InputDescriptor Input { get; set; } = null!;
    /// <summary>The value set on the activity; null when the input is left to its default.</summary>
    [Parameter] public InputValue? Value { get; set; }
    [Parameter] public string? Error { get; set; }
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public EventCallback<InputValue?> ValueChanged { get; set; }

    private string Hint => Input.UIHint;
    private ExpressionType Syntax => Value?.Expression.Type ?? (Input.DefaultSyntax == "JavaScript" ? ExpressionType.JavaScript : ExpressionType.Literal);
    private bool IsJavaScript => Syntax == ExpressionType.JavaScript;
    private bool IsMultiline => Hint is "multiline" or "code" || Input.Type is DataType.Object or DataType.Array or DataType.Any;
    private string LabelText => Input.Required ? Input.DisplayName + " *" : Input.DisplayName;

    private string? HelpText
    {
        get
        {
            var parts = new List<string>();
            if (Input.Description is { } description) parts.Add(description);
            if (IsJavaScript) parts.Add("JavaScript: sees input, variables, activities.<id>.<output> and job.");
            if (Input.Default is { } d) parts.Add("Default: " + d.ToJsonString());
            return parts.Count == 0 ? null : string.Join(" ", parts);
        }
    }

    private string? Code => Value?.Expression.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : Value?.Expression.Value?.ToJsonString();

    private string? Text => Value?.Expression.Value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonNode node when IsMultiline => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
        JsonNode node => node.ToJsonString(),
    };

    private bool BoolValue => Value?.Expression.Value is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private Task CodeChanged(string? code) =>
        ValueChanged.InvokeAsync(string.IsNullOrWhiteSpace(code) ? null : InputValue.JavaScript(code));

    private Task BoolChanged(bool value) => ValueChanged.InvokeAsync(InputValue.Literal(JsonValue.Create(value)));

    private Task TextChanged(string? text) =>
        ValueChanged.InvokeAsync(string.IsNullOrEmpty(text) ? null : InputValue.Literal(ParseLiteral(text)));

    private Task SyntaxChanged(ExpressionType syntax)
    {
        if (syntax == Syntax) return Task.CompletedTask;
        // Keep what was typed: a literal becomes the text of the script and back.
        var current = syntax == ExpressionType.JavaScript ? Text : Code;
        if (string.IsNullOrEmpty(current))
            return ValueChanged.InvokeAsync(new InputValue { Expression = new Expression { Type = syntax, Value = syntax == ExpressionType.JavaScript ? JsonValue.Create("") : null } });
        return ValueChanged.InvokeAsync(syntax == ExpressionType.JavaScript ? InputValue.JavaScript(current) : InputValue.Literal(ParseLiteral(current)));
    }

    /// <summary>Text as the input's type: numbers and JSON are parsed; what does not parse stays text, for validation to name.</summary>
    private JsonNode? ParseLiteral(string text)
    {
        switch (Input.Type)
        {
            case DataType.Integer when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole):
                return JsonValue.Create(whole);
            case DataType.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                return JsonValue.Create(number);
            case DataType.Object or DataType.Array or DataType.Any:
                try
                {
                    return JsonNode.Parse(text) ?? JsonValue.Create(text);
                }
                catch (JsonException)
                {
                    return JsonValue.Create(text);
                }
            default:
                return JsonValue.Create(text);
        }
    }
}
