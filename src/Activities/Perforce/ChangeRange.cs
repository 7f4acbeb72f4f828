using System.Globalization;
using System.Text.RegularExpressions;

namespace P4Flow.Activities.Perforce;

/// <summary>
/// Which submitted changes of the source a job integrates: one change ("42"), a range ("40,42") or everything up to
/// one (",42"). Written as p4 revision ranges on the source path: @42,@42, @40,@42 and @42.
/// </summary>
public sealed partial record ChangeRange(int? From, int To)
{
    public const string Input = "changes";

    /// <summary>Parses the job's `changes` input; null with <paramref name="error"/> saying what is wrong.</summary>
    public static ChangeRange? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Syntax().Match(text.Trim());
        if (!match.Success)
        {
            error = $"'{Input}' must be a changelist (42), a range (40,42) or everything up to one (,42); got '{text}'.";
            return null;
        }
        var to = Number(match.Groups["to"].Value);
        int? from = match.Groups["comma"].Success ? match.Groups["from"].Success ? Number(match.Groups["from"].Value) : null : to;
        if (to is null || (match.Groups["from"].Success && from is null))
        {
            error = $"'{Input}': changelist numbers run from 1 to {int.MaxValue}; got '{text}'.";
            return null;
        }
        if (from > to)
        {
            error = $"'{Input}': the range {from},{to} runs backwards; write the lower changelist first.";
            return null;
        }
        error = null;
        return new ChangeRange(from, to.Value);
    }

    /// <summary>The revision range to append to a depot path.</summary>
    public string RevisionRange => From is { } from ? $"@{from},@{To}" : $"@{To}";

    public override string ToString() => From is { } from ? from == To ? $"{To}" : $"{from},{To}" : $",{To}";

    private static int? Number(string digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    // [0-9], not \d: \d also matches other scripts' digits (Arabic-Indic, full-width), which int.TryParse then refuses
    // with a misleading "numbers run from 1 to ..." instead of the syntax error.
    [GeneratedRegex(@"^(?:(?<from>[0-9]{1,10})?(?<comma>,))?(?<to>[0-9]{1,10})$")]
    private static partial Regex Syntax();
}
