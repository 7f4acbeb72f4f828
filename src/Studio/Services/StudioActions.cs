using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using P4Flow.Workflows.Users;

namespace P4Flow.Studio.Services;

/// <summary>The Studio's side of <see cref="IUserActions"/>: the signed-in user of this circuit.</summary>
public sealed class StudioActions(IUserActions actions, AuthenticationStateProvider authentication)
{
    public async Task<bool> MayAsync(UserAction action) => await actions.MayAsync(await UserAsync(), action);

    public async Task<T> RunAsync<T>(UserAction action, string target, Func<Task<T>> work, string? command = null) =>
        await actions.RunAsync(await UserAsync(), action, target, command, work);

    public async Task RunAsync(UserAction action, string target, Func<Task> work) =>
        await RunAsync(action, target, async () =>
        {
            await work();
            return true;
        });

    public async Task<string?> UserNameAsync() => (await UserAsync()).Identity?.Name;

    private async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;
}
