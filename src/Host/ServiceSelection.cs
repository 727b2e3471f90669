using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.Identity;
using TaskFlow.Integrations;
using TaskFlow.Notifications;
using TaskFlow.Projects;
using TaskFlow.Realtime;
using TaskFlow.Reporting;
using TaskFlow.Tasks;
using TaskFlow.Workspaces;

namespace TaskFlow.Host;

/// <summary>Which services this process runs: <c>--services all</c> (default), <c>--services gateway</c> or a list such as <c>identity,notifications</c>.</summary>
sealed record ServiceSelection(IReadOnlyList<string> Names)
{
    public static readonly IReadOnlyList<IServiceModule> AllModules = [new IdentityModule(), new WorkspacesModule(), new NotificationsModule(), new ProjectsModule(), new TasksModule(), new IntegrationsModule(), new RealtimeModule(), new ReportingModule()];

    public bool IsAll => Names.Contains("all");
    public bool IsGateway => Names.Contains("gateway");
    public bool Includes(string module) => IsAll || Names.Contains(module);

    public static ServiceSelection Parse(string? value)
    {
        var names = (value is { Length: > 0 } ? value : "all")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant())
            .Distinct()
            .ToList();
        var known = AllModules.Select(m => m.Name).Append("all").Append("gateway").ToHashSet();
        var unknown = names.Where(n => !known.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown service(s) {string.Join(", ", unknown)}; choose from {string.Join(", ", known)}.");
        return new ServiceSelection(names);
    }
}
