using System.Text.Json;
using System.Text.Json.Nodes;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Activities;

/// <summary>Everything one run of one activity may read and change.</summary>
public sealed class ActivityExecutionContext
{
    private readonly JsonObject _inputs;
    private JsonObject? _outputs;

    internal ActivityExecutionContext(
        WorkflowInstance instance,
        ActivityNode node,
        ActivityDescriptor descriptor,
        ActivityExecutionRecord record,
        JsonObject inputs,
        IServiceProvider services,
        CancellationToken cancellationToken)
    {
        Instance = instance;
        Node = node;
        Descriptor = descriptor;
        Record = record;
        _inputs = inputs;
        Services = services;
        CancellationToken = cancellationToken;
    }

    public WorkflowInstance Instance { get; }
    public ActivityNode Node { get; }
    public ActivityDescriptor Descriptor { get; }
    public ActivityExecutionRecord Record { get; }
    public IServiceProvider Services { get; }
    public CancellationToken CancellationToken { get; }
    public string ActivityId => Node.Id;

    internal string[]? Outcomes { get; private set; }
    internal Bookmark? CreatedBookmark { get; private set; }
    internal FaultInfo? Fault { get; private set; }
    internal bool FinishesWorkflow { get; private set; }
    internal JsonObject? OutputValues => _outputs;

    public T? Get<T>(Input<T> input) => Convert<T>(_inputs[input.Name]);

    public JsonNode? GetRaw(string inputName) => _inputs[inputName];

    public void Set<T>(Output<T> output, T? value) => SetRaw(output.Name, JsonSerializer.SerializeToNode(value, WorkflowJson.Options));

    public void SetRaw(string outputName, JsonNode? value) => (_outputs ??= [])[outputName] = value;

    public JsonNode? GetVariable(string name) => Instance.Variables[name];

    public void SetVariable(string name, JsonNode? value) => Instance.Variables[name] = value?.DeepClone();

    /// <summary>Completes the activity; the flowchart follows the connections of these ports.</summary>
    public void Complete(params string[] outcomes) => Outcomes = outcomes.Length == 0 ? [Activity.DoneOutcome] : outcomes;

    /// <summary>Suspends the activity until the bookmark is resumed.</summary>
    public Bookmark CreateBookmark(string? name = null, BookmarkDispatch dispatch = BookmarkDispatch.External, DateTime? resumeAt = null, JsonObject? payload = null)
    {
        var bookmarkName = name ?? Node.Id;
        CreatedBookmark = new Bookmark
        {
            Id = Ids.New(),
            Hash = Bookmark.ComputeHash(Instance.Id, bookmarkName),
            InstanceId = Instance.Id,
            ActivityId = Node.Id,
            ActivityType = Descriptor.Type,
            Name = bookmarkName,
            ExecutionId = Record.Id,
            Dispatch = dispatch,
            ResumeAt = resumeAt,
            Payload = payload,
            CreatedAt = DateTime.UtcNow,
        };
        return CreatedBookmark;
    }

    /// <summary>Fails the activity and with it the job.</summary>
    public void Fail(string message, string? errorClass = null) => Fault = new FaultInfo(message, Node.Id, errorClass);

    /// <summary>Ends the whole workflow successfully, cancelling anything still pending.</summary>
    public void FinishWorkflow(JsonNode? result)
    {
        Instance.Result = result?.DeepClone();
        FinishesWorkflow = true;
        Complete();
    }

    internal static T? Convert<T>(JsonNode? node)
    {
        if (node is null) return default;
        if (node is T same) return same;
        return node.Deserialize<T>(WorkflowJson.Options);
    }
}
