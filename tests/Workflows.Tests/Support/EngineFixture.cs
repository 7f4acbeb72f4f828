namespace P4Flow.Workflows.Tests.Support;

/// <summary>One engine on the in-memory store per test class; tests tell their jobs apart by definition and job id.</summary>
public sealed class EngineFixture : IAsyncLifetime
{
    private EngineHost? _host;

    public EngineHost Host => _host ?? throw new InvalidOperationException("The engine has not started.");

    public async Task InitializeAsync() => _host = await EngineHost.StartInMemoryAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
