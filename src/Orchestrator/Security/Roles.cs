namespace P4Flow.Orchestrator.Security;

/// <summary>
/// The four roles, each allowed what the ones below it may do: a viewer reads; an operator also runs, continues,
/// cancels and resumes jobs; a designer also edits, publishes, imports and deletes workflows; an admin also manages
/// agents, keys and the audit log. Each role is also the name of the policy that requires at least that role.
/// </summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Designer = "designer";
    public const string Admin = "admin";

    private static readonly string[] Ranked = [Viewer, Operator, Designer, Admin];

    /// <summary>Lowest first.</summary>
    public static IReadOnlyList<string> All => Ranked;

    /// <summary>Policy name -> roles that satisfy it (the role itself and every higher one).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Policies =
        Ranked.Select((role, rank) => (role, rank)).ToDictionary(r => r.role, r => Ranked[r.rank..], StringComparer.Ordinal);

    public static bool IsRole(string? role) => role is not null && Ranked.Contains(role);

    /// <summary>The role just below, or null for a viewer.</summary>
    public static string? Below(string role) => Array.IndexOf(Ranked, role) is > 0 and var rank ? Ranked[rank - 1] : null;
}
