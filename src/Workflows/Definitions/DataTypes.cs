using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace P4Flow.Workflows.Definitions;

/// <summary>Maps CLR types to the data types of definitions and checks values against them.</summary>
public static class DataTypes
{
    public static DataType FromClr(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return DataType.String;
        if (type == typeof(bool)) return DataType.Boolean;
        if (type == typeof(int) || type == typeof(long)) return DataType.Integer;
        if (type == typeof(double) || type == typeof(decimal) || type == typeof(float)) return DataType.Number;
        if (type == typeof(JsonArray) || (type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && !typeof(System.Collections.IDictionary).IsAssignableFrom(type) && type != typeof(JsonObject)))
            return DataType.Array;
        if (type == typeof(JsonNode) || type == typeof(object)) return DataType.Any;
        return DataType.Object;
    }

    /// <summary>Converts <paramref name="value"/> to <paramref name="type"/>, accepting strings for scalars.</summary>
    /// <returns>false with an explanation when the value cannot be that type.</returns>
    public static bool TryCoerce(JsonNode? value, DataType type, out JsonNode? result, out string? error)
    {
        result = value;
        error = null;
        if (value is null || type == DataType.Any) return true;
        var kind = value.GetValueKind();
        switch (type)
        {
            case DataType.String:
                if (kind == JsonValueKind.String) return true;
                if (kind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    result = JsonValue.Create(value.ToJsonString().Trim('"'));
                    return true;
                }
                break;
            case DataType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False) return true;
                if (kind == JsonValueKind.String && bool.TryParse(value.GetValue<string>(), out var b))
                {
                    result = JsonValue.Create(b);
                    return true;
                }
                break;
            case DataType.Integer:
                if (kind == JsonValueKind.Number && long.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole))
                {
                    result = JsonValue.Create(whole);
                    return true;
                }
                if (kind == JsonValueKind.Number && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15)
                {
                    result = JsonValue.Create((long)d);
                    return true;
                }
                if (kind == JsonValueKind.String && long.TryParse(value.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    result = JsonValue.Create(parsed);
                    return true;
                }
                break;
            case DataType.Number:
                if (kind == JsonValueKind.Number) return true;
                if (kind == JsonValueKind.String && double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                {
                    result = JsonValue.Create(n);
                    return true;
                }
                break;
            case DataType.Object:
                if (kind == JsonValueKind.Object) return true;
                break;
            case DataType.Array:
                if (kind == JsonValueKind.Array) return true;
                break;
        }
        error = $"expected {Article(type)} {type}, got {Describe(value)}";
        return false;
    }

    private static string Article(DataType type) => type is DataType.Integer or DataType.Object or DataType.Array or DataType.Any ? "an" : "a";

    private static string Describe(JsonNode value)
    {
        var text = value.ToJsonString();
        return text.Length > 40 ? text[..40] + "..." : text;
    }
}
