using System.Text.RegularExpressions;

namespace P4Flow.Activities.Perforce;

/// <summary>Checks depot paths before they become arguments: never an option, never two arguments.</summary>
public static partial class DepotPaths
{
    /// <summary>A depot path such as //depot/rel/... : starts with //, no spaces, no revision or wildcard other than a trailing /... .</summary>
    public static bool IsValid(string? path) => path is not null && DepotPath().IsMatch(path);

    public static string Require(string? path, string input) =>
        IsValid(path) ? path! : throw new ActivityInputException(input, $"Input '{input}' must be a depot path like //depot/rel/... (got '{path}').");

    [GeneratedRegex(@"^//[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*(/\.\.\.)?\z")]
    private static partial Regex DepotPath();
}
