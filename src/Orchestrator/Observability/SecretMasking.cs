using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// Masks secrets in every log event before any sink sees it: properties (at any depth, dictionary keys included)
/// named like token, signature, password, secret, key, ticket or credential, and string values shaped like a JWT
/// whatever their name. Runs last, after scopes and the log context have added their properties.
/// </summary>
public sealed partial class SecretMasking : ILogEventEnricher
{
    public const string Mask = "***";

    private static readonly ScalarValue Masked = new(Mask);

    // Whole words of a property name (split at camelCase humps, _, -, . and spaces).
    private static readonly HashSet<string> SecretWords = new(StringComparer.Ordinal)
    {
        "token", "tokens", "signature", "signatures", "sig", "password", "passwords", "passwd", "pwd", "passphrase",
        "secret", "secrets", "key", "keys", "apikey", "privatekey", "credential", "credentials", "authorization", "auth",
        "jwt", "ticket", "tickets", "cookie", "bearer",
    };

    // Word endings distinctive enough to count inside one word: P4PASSWD, AccessToken written as accesstoken.
    private static readonly string[] SecretEndings = ["passwd", "password", "token", "secret", "apikey", "signature"];

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var masked = IsSecretName(name) ? Masked : MaskValue(value);
            if (!ReferenceEquals(masked, value)) (changed ??= []).Add(new LogEventProperty(name, masked));
        }
        if (changed is null) return;
        foreach (var property in changed) logEvent.AddOrUpdateProperty(property);
    }

    public static bool IsSecretName(string name)
    {
        foreach (var part in WordBoundary().Split(name))
        {
            if (part.Length == 0) continue;
            var word = part.ToLowerInvariant();
            if (SecretWords.Contains(word)) return true;
            foreach (var ending in SecretEndings)
            {
                if (word.EndsWith(ending, StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }

    /// <summary>The value with every secret inside masked; the same instance when there is none.</summary>
    private static LogEventPropertyValue MaskValue(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text } when text.Contains("eyJ", StringComparison.Ordinal) && Jwt().IsMatch(text):
                return new ScalarValue(Jwt().Replace(text, Mask));
            case StructureValue structure:
            {
                var properties = structure.Properties.Select(p => IsSecretName(p.Name) ? new LogEventProperty(p.Name, Masked) : Rebuild(p)).ToList();
                return properties.Where((p, i) => !ReferenceEquals(p, structure.Properties[i])).Any() ? new StructureValue(properties, structure.TypeTag) : value;
            }
            case DictionaryValue dictionary:
            {
                var changed = false;
                var entries = new List<KeyValuePair<ScalarValue, LogEventPropertyValue>>(dictionary.Elements.Count);
                foreach (var (key, element) in dictionary.Elements)
                {
                    var masked = key.Value is string name && IsSecretName(name) ? Masked : MaskValue(element);
                    changed |= !ReferenceEquals(masked, element);
                    entries.Add(new(key, masked));
                }
                return changed ? new DictionaryValue(entries) : value;
            }
            case SequenceValue sequence:
            {
                var elements = sequence.Elements.Select(MaskValue).ToList();
                return elements.Where((e, i) => !ReferenceEquals(e, sequence.Elements[i])).Any() ? new SequenceValue(elements) : value;
            }
            default:
                return value;
        }
    }

    private static LogEventProperty Rebuild(LogEventProperty property)
    {
        var masked = MaskValue(property.Value);
        return ReferenceEquals(masked, property.Value) ? property : new LogEventProperty(property.Name, masked);
    }

    [GeneratedRegex(@"(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+")]
    private static partial Regex WordBoundary();

    // header.payload.signature, each base64url; the header of every JWT starts with {" = eyJ.
    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")]
    private static partial Regex Jwt();
}
