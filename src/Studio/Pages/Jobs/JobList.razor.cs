using Microsoft.AspNetCore.Components;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Studio.Pages.Jobs;

/// <summary>
/// Jobs, newest first, with filters. Read from the store once per filter change; after that every committed step
/// arrives through <see cref="JobEvents"/> and updates its row in place.
/// </summary>
public partial class JobList : IDisposable
{
    private const int PageSize = 50;
    private static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(100);

    private readonly List<JobSummary> _rows = [];
    private readonly Lock _pendingGate = new();
    private readonly Dictionary<string, JobSummary> _pending = new(StringComparer.Ordinal);
    private IReadOnlyList<WorkflowDefinition> _definitions = [];
    private Dictionary<string, string> _agentsByJob = new(StringComparer.Ordinal);
    private IDisposable? _subscription;
    private Timer? _clock;
    private bool _flushScheduled;
    private bool _ready;
    private int _page = 1;
    private int _total;
    private string? _status;
    private string? _stage;
    private string? _workflow;

    [Inject] private IWorkflowStore Store { get; set; } = null!;
    [Inject] private JobEvents Events { get; set; } = null!;
    [Inject] private IAgentDirectory Agents { get; set; } = null!;
    [Inject] private IQueuePositions Queue { get; set; } = null!;

    private bool HasFilters => _status is not null || !string.IsNullOrWhiteSpace(_stage) || _workflow is not null;

    protected override async Task OnInitializedAsync()
    {
        _subscription = Events.Subscribe(null, OnJobUpdate);
        Agents.Changed += OnAgentsChanged;
        _definitions = await Store.ListDefinitionsAsync(CancellationToken.None);
        await QueryAsync();
        await LoadAgentsAsync();
        // Durations of running jobs tick on screen; this re-renders, it reads nothing.
        _clock = new Timer(_ => _ = InvokeAsync(() => { if (_rows.Any(r => !r.IsTerminal)) StateHasChanged(); }), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!_ready && _subscription is not null)
        {
            _ready = true;
            StateHasChanged();
        }
    }

    private async Task QueryAsync()
    {
        WorkflowStatus? status = _status is null ? null : Enum.Parse<WorkflowStatus>(_status);
        var stage = string.IsNullOrWhiteSpace(_stage) ? null : _stage.Trim();
        var page = await Store.QueryInstancesAsync(new InstanceQuery(status, stage, _workflow, _page, PageSize), CancellationToken.None);
        _rows.Clear();
        _rows.AddRange(page.Items.Select(JobSummary.From));
        _total = page.Total;
    }

    private async Task StatusChanged(string? value)
    {
        _status = value;
        _page = 1;
        await QueryAsync();
    }

    private async Task StageChanged(string? value)
    {
        _stage = value;
        _page = 1;
        await QueryAsync();
    }

    private async Task WorkflowChanged(string? value)
    {
        _workflow = value;
        _page = 1;
        await QueryAsync();
    }

    private async Task GoToAsync(int page)
    {
        _page = Math.Max(1, page);
        await QueryAsync();
    }

    private bool Matches(JobSummary job) =>
        (_status is null || job.Status.ToString() == _status)
        && (string.IsNullOrWhiteSpace(_stage) || string.Equals(job.Stage, _stage.Trim(), StringComparison.Ordinal))
        && (_workflow is null || job.DefinitionId == _workflow);

    // On the engine's thread: park the update and let the circuit pick it up, at most every RenderInterval.
    private void OnJobUpdate(JobUpdate update)
    {
        lock (_pendingGate)
        {
            if (_pending.TryGetValue(update.Job.Id, out var seen) && seen.Revision > update.Job.Revision) return;
            _pending[update.Job.Id] = update.Job;
            if (_flushScheduled) return;
            _flushScheduled = true;
        }
        _ = FlushLaterAsync();
    }

    private async Task FlushLaterAsync()
    {
        await Task.Delay(RenderInterval);
        await InvokeAsync(() =>
        {
            List<JobSummary> updates;
            lock (_pendingGate)
            {
                updates = [.. _pending.Values];
                _pending.Clear();
                _flushScheduled = false;
            }
            foreach (var job in updates.OrderBy(j => j.CreatedAt))
            {
                var index = _rows.FindIndex(r => r.Id == job.Id);
                if (index >= 0)
                {
                    if (_rows[index].Revision <= job.Revision) _rows[index] = job;
                }
                else if (_page == 1 && Matches(job) && job.CreatedAt >= (_rows.Count == 0 ? DateTime.MinValue : _rows.Min(r => r.CreatedAt)))
                {
                    _rows.Insert(0, job);
                    _total++;
                    if (_rows.Count > PageSize) _rows.RemoveAt(_rows.Count - 1);
                }
            }
            StateHasChanged();
        });
    }

    private void OnAgentsChanged(object? sender, EventArgs e) => _ = InvokeAsync(async () =>
    {
        await LoadAgentsAsync();
        StateHasChanged();
    });

    private async Task LoadAgentsAsync()
    {
        var agents = await Agents.ListAsync(CancellationToken.None);
        _agentsByJob = agents.SelectMany(a => (a.RunningJobs ?? []).Select(j => (Job: j, Agent: a.Id)))
            .GroupBy(p => p.Job, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Agent, StringComparer.Ordinal);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _clock?.Dispose();
        Agents.Changed -= OnAgentsChanged;
        GC.SuppressFinalize(this);
    }
}
