using System.Text.Json;
using Microsoft.Extensions.Logging;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Workflows.Definitions;

/// <summary>Drafts, publishing and versions. A published version is never changed again: editing makes a new draft version.</summary>
public sealed partial class WorkflowDefinitionService(IWorkflowStore store, DefinitionValidator validator, TimeProvider clock, ILogger<WorkflowDefinitionService> logger)
{
    public IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition) => validator.Validate(definition);

    /// <summary>Saves <paramref name="definition"/> as the draft: replaces an unpublished latest version, else adds a version.</summary>
    public async Task<WorkflowDefinition> SaveDraftAsync(WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        CheckIdentity(definition);
        var latest = await store.GetDefinitionAsync(definition.DefinitionId, null, cancellationToken).ConfigureAwait(false);
        definition.Version = latest is { IsPublished: false } ? latest.Version : (latest?.Version ?? 0) + 1;
        definition.IsLatest = true;
        definition.IsPublished = false;
        definition.PublishedAt = null;
        definition.CreatedAt = clock.GetUtcNow();
        await store.SaveDefinitionAsync(definition, cancellationToken).ConfigureAwait(false);
        return definition;
    }

    /// <summary>Publishes the latest version after validating it.</summary>
    /// <exception cref="WorkflowValidationException">It has errors; nothing changes.</exception>
    public async Task<WorkflowDefinition> PublishAsync(string definitionId, CancellationToken cancellationToken)
    {
        var latest = await store.GetDefinitionAsync(definitionId, null, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkflowNotFoundException($"Workflow '{definitionId}' does not exist.");
        if (latest.IsPublished) return latest;
        var errors = validator.Validate(latest);
        if (errors.Count > 0) throw new WorkflowValidationException(errors);
        latest.IsPublished = true;
        latest.PublishedAt = clock.GetUtcNow();
        await store.SaveDefinitionAsync(latest, cancellationToken).ConfigureAwait(false);
        LogPublished(logger, definitionId, latest.Version);
        return latest;
    }

    /// <summary>Deletes every version of a definition. Finished jobs keep their history; a definition with unfinished jobs cannot go.</summary>
    /// <exception cref="WorkflowNotFoundException">No such definition.</exception>
    /// <exception cref="WorkflowConflictException">Jobs on it are still pending, running or waiting.</exception>
    public async Task DeleteAsync(string definitionId, CancellationToken cancellationToken)
    {
        if (await store.GetDefinitionAsync(definitionId, null, cancellationToken).ConfigureAwait(false) is null)
            throw new WorkflowNotFoundException($"Workflow '{definitionId}' does not exist.");
        var unfinished = (await store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false)).Count(i => i.DefinitionId == definitionId);
        if (unfinished > 0)
            throw new WorkflowConflictException($"Workflow '{definitionId}' has {unfinished} unfinished job(s); cancel them or let them end first.");
        var removed = await store.DeleteDefinitionAsync(definitionId, cancellationToken).ConfigureAwait(false);
        LogDeleted(logger, definitionId, removed);
    }

    /// <summary>Imports an exported definition as a new version, published when the file says so.</summary>
    public async Task<WorkflowDefinition> ImportAsync(WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        var publish = definition.IsPublished;
        if (publish)
        {
            var errors = validator.Validate(definition);
            if (errors.Count > 0) throw new WorkflowValidationException(errors);
        }
        var saved = await SaveDraftAsync(definition, cancellationToken).ConfigureAwait(false);
        return publish ? await PublishAsync(saved.DefinitionId, cancellationToken).ConfigureAwait(false) : saved;
    }

    /// <summary>Publishes each <c>*.json</c> in <paramref name="folder"/> whose version is newer than the stored published one.</summary>
    public async Task<int> ImportFolderAsync(string folder, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder)) return 0;
        var imported = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            WorkflowDefinition definition;
            try
            {
                definition = WorkflowJson.Deserialize<WorkflowDefinition>(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"{file}: not a workflow definition: {ex.Message}", ex);
            }
            var published = await store.GetPublishedDefinitionAsync(definition.DefinitionId, cancellationToken).ConfigureAwait(false);
            if (published is not null && published.Version >= definition.Version) continue;
            var errors = validator.Validate(definition);
            if (errors.Count > 0)
                throw new InvalidOperationException($"{file}: {string.Join(" ", errors.Select(e => $"{e.Path}: {e.Message}"))}");
            var latest = await store.GetDefinitionAsync(definition.DefinitionId, null, cancellationToken).ConfigureAwait(false);
            definition.Version = Math.Max(definition.Version, latest is { IsPublished: false } ? latest.Version : (latest?.Version ?? 0) + 1);
            definition.IsLatest = true;
            definition.IsPublished = true;
            definition.CreatedAt = clock.GetUtcNow();
            definition.PublishedAt = definition.CreatedAt;
            await store.SaveDefinitionAsync(definition, cancellationToken).ConfigureAwait(false);
            LogPublished(logger, definition.DefinitionId, definition.Version);
            imported++;
        }
        return imported;
    }

    private static void CheckIdentity(WorkflowDefinition definition)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(definition.DefinitionId)) errors["definitionId"] = ["definitionId is required."];
        else if (!System.Text.RegularExpressions.Regex.IsMatch(definition.DefinitionId, "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"))
            errors["definitionId"] = ["definitionId may hold letters, digits, '.', '_' and '-' (at most 100)."];
        if (string.IsNullOrWhiteSpace(definition.Name)) errors["name"] = ["name is required."];
        if (definition.Root is null) errors["root"] = ["root is required."];
        if (errors.Count > 0) throw new WorkflowInputException(errors);
    }

    [LoggerMessage(1201, LogLevel.Information, "Workflow {DefinitionId} v{Version} published")]
    private static partial void LogPublished(ILogger logger, string definitionId, int version);

    [LoggerMessage(1202, LogLevel.Information, "Workflow {DefinitionId} deleted ({Versions} versions)")]
    private static partial void LogDeleted(ILogger logger, string definitionId, int versions);
}
