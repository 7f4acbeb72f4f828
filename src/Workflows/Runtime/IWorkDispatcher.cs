using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Runtime;

/// <summary>Hands work to background workers: advancing an instance, running a job activity, firing a timer.</summary>
public interface IWorkDispatcher
{
    void DispatchRun(string instanceId, string queue);

    void DispatchBookmark(Bookmark bookmark, string queue);
}
