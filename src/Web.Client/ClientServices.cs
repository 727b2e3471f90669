using Microsoft.AspNetCore.Components.WebAssembly.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        services.AddMudServices();
        // The browser host registers it already; prerendering and tests need it too (there it loads nothing).
        services.TryAddScoped<LazyAssemblyLoader>();
        services.AddScoped<SessionService>();
        services.AddScoped<ApiClient>();
        services.AddScoped<IdentityApi>();
        services.AddScoped<WorkspacesApi>();
        services.AddScoped<ProjectsApi>();
        services.AddScoped<TasksApi>();
        services.AddScoped<TaskListApi>();
        services.AddScoped<TaskDetailsApi>();
        services.AddScoped<NotificationsApi>();
        services.AddScoped<RealtimeClient>();
        services.AddScoped<AppState>();
        services.AddScoped<WorkspaceSearch>();
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
}
