using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using TaskFlow.BuildingBlocks.Hosting;
using TaskFlow.Catalog;
using TaskFlow.Identity;
using TaskFlow.Integrations;
using TaskFlow.Inventory;
using TaskFlow.Notifications;
using TaskFlow.Projects;
using TaskFlow.Realtime;
using TaskFlow.Reporting;
using TaskFlow.Tasks;
using TaskFlow.Workspaces;

namespace TaskFlow.Host;

/// <summary>
/// Which product this process belongs to (<c>--app taskflow</c>, the default, or <c>--app shop</c>) and which of that
/// product's services it runs: <c>--services all</c> (default), <c>--services gateway</c> or a list such as
/// <c>identity,notifications</c>. The two products share the platform (identity, notifications, BuildingBlocks, the
/// gateway) but never their data: the shop's defaults keep its SQLite files, PostgreSQL databases and RabbitMQ
/// queues apart from TaskFlow's (docs/adr/0031-shop-app-switch.md).
/// </summary>
sealed record ServiceSelection(string App, IReadOnlyList<IServiceModule> AppModules, IReadOnlyList<string> Names)
{
    public const string TaskFlowApp = "taskflow";
    public const string ShopApp = "shop";

    /// <summary>TaskFlow's modules (kept under this name: tests and tools enumerate it).</summary>
    public static readonly IReadOnlyList<IServiceModule> AllModules = [new IdentityModule(), new WorkspacesModule(), new NotificationsModule(), new ProjectsModule(), new TasksModule(), new IntegrationsModule(), new RealtimeModule(), new ReportingModule()];

    /// <summary>The shop's modules: the platform's identity and notifications, and the shop's own services.</summary>
    public static readonly IReadOnlyList<IServiceModule> ShopModules = [new IdentityModule(), new NotificationsModule(), new CatalogModule(), new InventoryModule()];

    public static IReadOnlyList<IServiceModule> ModulesOf(string app) => app == ShopApp ? ShopModules : AllModules;

    public bool IsAll => Names.Contains("all");
    public bool IsGateway => Names.Contains("gateway");
    public bool IsShop => App == ShopApp;
    public bool Includes(string module) => IsAll || Names.Contains(module);
    public IReadOnlyList<IServiceModule> Modules => [.. AppModules.Where(m => Includes(m.Name))];

    public static ServiceSelection Parse(string? value) => Parse(null, value);

    public static ServiceSelection Parse(string? app, string? value)
    {
        var product = (app is { Length: > 0 } ? app : TaskFlowApp).Trim().ToLowerInvariant();
        if (product is not (TaskFlowApp or ShopApp))
            throw new ArgumentException($"Unknown app '{app}'; choose {TaskFlowApp} (the default) or {ShopApp}.");
        var modules = ModulesOf(product);
        var names = (value is { Length: > 0 } ? value : "all")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant())
            .Distinct()
            .ToList();
        var known = modules.Select(m => m.Name).Append("all").Append("gateway").ToHashSet();
        var unknown = names.Where(n => !known.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown service(s) {string.Join(", ", unknown)} for the {product} app; choose from {string.Join(", ", known)}.");
        return new ServiceSelection(product, modules, names);
    }

    /// <summary>
    /// The shop's defaults: its own data folder, database prefix, exchange and queue names, so the two products can
    /// share a machine, a PostgreSQL server and a broker. They replace TaskFlow's values from the settings files
    /// (appsettings.json names <c>DataDir</c> <c>data</c> and the prefix <c>taskflow</c>), so they go right after the last
    /// settings file; what an operator gives in the environment or on the command line still wins.
    /// </summary>
    public static void AddShopDefaults(IConfigurationBuilder configuration)
    {
        var sources = configuration.Sources;
        var lastFile = -1;
        for (var i = 0; i < sources.Count; i++)
            if (sources[i] is FileConfigurationSource) lastFile = i;
        sources.Insert(lastFile + 1, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["DataDir"] = Path.Combine("data", "shop"),
                ["Data:DatabasePrefix"] = "shop",
                ["Messaging:Exchange"] = "shop.events",
                ["Messaging:QueuePrefix"] = "shop",
            },
        });
    }
}
