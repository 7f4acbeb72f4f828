using P4Flow.Workflows.Stores;

namespace P4Flow.Workflows.Tests.Stores;

public sealed class MemoryWorkflowStoreTests : WorkflowStoreContract
{
    protected override Task<IWorkflowStore> CreateStoreAsync() => Task.FromResult<IWorkflowStore>(new MemoryWorkflowStore());
}
