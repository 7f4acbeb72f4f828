namespace P4Flow.Orchestrator.Security;

/// <summary>
/// The four roles and the policies routes require. Roles are not nested except that admin may do
/// everything: an operator runs and continues jobs, a designer edits and publishes workflows.
/// </summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Designer = "designer";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Designer, Admin];

    /// <summary>Policy name -> roles that satisfy it.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Policies = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Viewer] = [Viewer, Operator, Designer, Admin],
        [Operator] = [Operator, Admin],
        [Designer] = [Designer, Admin],
        [Admin] = [Admin],
    };

    public static bool IsRole(string? role) => role is not null && All.Contains(role);
}
