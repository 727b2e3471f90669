using Microsoft.AspNetCore.Components.WebAssembly.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
using MudBlazor.Services;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Auth;
using TaskFlow.Web.Client.Components;
using TaskFlow.Web.Client.Layout;
using TaskFlow.Web.Client.Realtime;

namespace TaskFlow.Web.Client;

/// <summary>The services the components use, registered the same way in the browser and on the prerendering server.</summary>
public static class ClientServices
{
    /// <summary>
    /// Everything but the <see cref="IApiTransport"/>: the browser adds <see cref="FetchTransport"/> (Program.cs), the server
    /// an HttpClient-based one (no System.Net.Http in the browser's download: docs/adr/0017-web-third-pass.md).
    /// </summary>
    public static IServiceCollection AddTaskFlowClient(this IServiceCollection services)
    {
        // Toasts at the bottom, as in Linear and Gmail: never over the app bar, at most three, no repeats of one message.
        services.AddMudServices(config =>
        {
            config.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomLeft;
            config.SnackbarConfiguration.PreventDuplicates = true;
            config.SnackbarConfiguration.MaxDisplayedSnackbars = 3;
        });
        // The browser host registers it already; prerendering and tests need it too (there it loads nothing).
        services.TryAddScoped<LazyAssemblyLoader>();
        services.AddScoped<SessionService>();
        services.AddScoped<ApiClient>();
        services.AddScoped<IdentityApi>();
        services.AddScoped<MyDataExport>();
        services.AddScoped<WorkspacesApi>();
        services.AddScoped<ProjectsApi>();
        services.AddScoped<ReportsApi>();
        services.AddScoped<SettingsApi>();
        services.AddScoped<TasksApi>();
        services.AddScoped<TaskListApi>();
        services.AddScoped<TaskDetailsApi>();
        services.AddScoped<NotificationsApi>();
        services.AddScoped<TeamApi>();
        services.AddScoped<Favourites>();
        services.AddScoped<RealtimeClient>();
        services.AddScoped<AppState>();
        services.AddScoped<WorkspaceSearch>();
        services.AddScoped<PaletteContext>();
        services.AddScoped<ThemeState>();
        return services;
    }
}

/// <summary>UI state shared by the layout and pages of one tab.</summary>
public sealed class AppState
{
    public Guid? CurrentWorkspaceId { get; private set; }
    public event Action? Changed;

    public void SetWorkspace(Guid? workspaceId)
    {
        if (CurrentWorkspaceId == workspaceId) return;
        CurrentWorkspaceId = workspaceId;
        Changed?.Invoke();
    }

    /// <summary>Raised when the list of the user's workspaces changed (one was created or joined).</summary>
    public event Action? WorkspaceListChanged;

    /// <summary>The list of workspaces changed (one was created or joined).</summary>
    public void WorkspacesChanged() => WorkspaceListChanged?.Invoke();

    /// <summary>How long the layout's own reads wait at most for a page that asked them to (<see cref="DeferLayoutWork"/>).</summary>
    internal static readonly TimeSpan LayoutWorkMaxDelay = TimeSpan.FromSeconds(3);

    readonly TaskCompletionSource pageShown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    bool layoutWorkDeferred;

    /// <summary>
    /// Called by a page whose first content is expensive (the board) when it is created: the layout's own start-up work
    /// (the notification list, the workspace list, the keyboard shortcuts) shares WebAssembly's one thread with it, and
    /// then waits until the page has shown its content (<see cref="PageContentShown"/>), at most <see cref="LayoutWorkMaxDelay"/>
    /// (docs/adr/0020-web-fifth-pass.md).
    /// </summary>
    public void DeferLayoutWork() => layoutWorkDeferred = !pageShown.Task.IsCompleted;

    /// <summary>The page has shown its content (or its error): the layout's deferred work may start.</summary>
    public void PageContentShown() => pageShown.TrySetResult();

    /// <summary>Completes at once unless the first page asked the layout to wait (<see cref="DeferLayoutWork"/>).</summary>
    public Task LayoutWorkMayStart() =>
        layoutWorkDeferred && !pageShown.Task.IsCompleted ? Task.WhenAny(pageShown.Task, Task.Delay(LayoutWorkMaxDelay)) : Task.CompletedTask;
}
