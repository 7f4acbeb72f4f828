namespace P4Flow.Studio.Components;

/// <summary>The JavaScript modules the build bundles into wwwroot/dist.</summary>
internal static class StudioScripts
{
    public const string Designer = "./_content/P4Flow.Studio/dist/designer.js";
    public const string Helpers = "./_content/P4Flow.Studio/dist/studio.js";
    public const string Conflict = "./_content/P4Flow.Studio/dist/conflict.js";
    public const string Branches = "./_content/P4Flow.Studio/dist/branches.js";
}
