using Microsoft.AspNetCore.Components;
using P4Flow.Notifications;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Studio.Pages.Notifications;

/// <summary>What was sent to whom and when, with each failed attempt: the outbox, newest first.</summary>
public partial class NotificationList
{
    private const int PageSize = 50;
    private List<OutboxMessage> _rows = [];
    private bool _ready;
    private int _page = 1;
    private int _total;
    private string? _status;

    /// <summary>A job's messages only (linked from a job's page as notifications?job=ID).</summary>
    [SupplyParameterFromQuery(Name = "job")]
    public string? Job { get; set; }

    [Inject] private IOutboxStore Outbox { get; set; } = null!;

    protected override Task OnParametersSetAsync() => QueryAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        // Ready once interactive: a click before that would be lost.
        if (!firstRender || _ready) return;
        _ready = true;
        StateHasChanged();
    }

    private async Task QueryAsync()
    {
        OutboxStatus? status = Enum.TryParse<OutboxStatus>(_status, out var s) ? s : null;
        var page = await Outbox.QueryOutboxAsync(new OutboxQuery(string.IsNullOrWhiteSpace(Job) ? null : Job.Trim(), Status: status, Page: _page, PageSize: PageSize), CancellationToken.None);
        _rows = [.. page.Items];
        _total = page.Total;
    }

    private async Task JobChanged(string? job)
    {
        Job = job;
        _page = 1;
        await QueryAsync();
    }

    private async Task StatusChanged(string? status)
    {
        _status = status;
        _page = 1;
        await QueryAsync();
    }

    private async Task PageAsync(int by)
    {
        _page = Math.Max(1, _page + by);
        await QueryAsync();
    }
}
