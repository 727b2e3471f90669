using System.Reflection;
using TaskFlow.BuildingBlocks.Hosting;

namespace TaskFlow.Platform.Tests;

public sealed class ArchitectureTests
{
    static IReadOnlyList<Assembly> ServiceAssemblies() =>
        Directory.GetFiles(AppContext.BaseDirectory, "TaskFlow.*.dll")
            .Select(path => Assembly.LoadFrom(path))
            .Where(a => a.GetTypes().Any(t => typeof(IServiceModule).IsAssignableFrom(t) && !t.IsInterface))
            .ToList();

    /// <summary>Every service folder under <c>src/Services</c> builds a module, and the host runs every module.</summary>
    [Fact]
    public void The_host_runs_every_service_module_of_the_source_tree()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "TaskFlow.slnx"))) root = root.Parent;
        Assert.NotNull(root);
        var folders = Directory.GetDirectories(Path.Combine(root.FullName, "src", "Services"))
            .Where(d => Directory.GetFiles(d, "*.csproj").Length > 0)
            .Select(d => "TaskFlow." + Path.GetFileName(d))
            .Order()
            .ToList();
        var moduleAssemblies = ServiceAssemblies().Select(a => a.GetName().Name!).Order().ToList();
        // TaskFlow's modules and the shop's (--app shop); the platform's shared ones (identity, notifications) are in both.
        var selection = Assembly.Load("TaskFlow.Host").GetType("TaskFlow.Host.ServiceSelection", throwOnError: true)!;
        var hosted = ((IReadOnlyList<IServiceModule>)selection.GetField("AllModules")!.GetValue(null)!)
            .Concat((IReadOnlyList<IServiceModule>)selection.GetField("ShopModules")!.GetValue(null)!)
            .DistinctBy(m => m.GetType())
            .ToList();
        var hostedAssemblies = hosted.Select(m => m.GetType().Assembly.GetName().Name!).Order().ToList();

        Assert.NotEmpty(folders);
        Assert.Equal(folders, moduleAssemblies);
        Assert.Equal(folders, hostedAssemblies);
        Assert.Equal(hosted.Count, hosted.Select(m => m.Name).Distinct().Count());
    }

    [Fact]
    public void No_service_references_another_service()
    {
        var services = ServiceAssemblies();
        var serviceNames = services.Select(a => a.GetName().Name).ToHashSet();
        foreach (var service in services)
        {
            var references = service.GetReferencedAssemblies().Select(r => r.Name).Where(serviceNames.Contains).ToList();
            Assert.True(references.Count == 0, $"{service.GetName().Name} references {string.Join(", ", references)}");
        }
    }

    [Fact]
    public void A_service_exposes_only_its_module_and_its_events()
    {
        foreach (var service in ServiceAssemblies())
        {
            var leaked = service.GetExportedTypes()
                .Where(t => !typeof(IServiceModule).IsAssignableFrom(t) && !IsEventOrPartOfOne(t))
                .Where(t => !t.Namespace!.Contains(".Migrations", StringComparison.Ordinal))
                .Select(t => t.FullName)
                .ToList();
            Assert.True(leaked.Count == 0, $"{service.GetName().Name} makes public: {string.Join(", ", leaked)}");
        }
    }

    /// <summary>An integration event, or a type nested in one (a part of its payload, e.g. a list item).</summary>
    static bool IsEventOrPartOfOne(Type t) =>
        typeof(TaskFlow.BuildingBlocks.Messaging.IntegrationEvent).IsAssignableFrom(t) || (t.DeclaringType is { } outer && IsEventOrPartOfOne(outer));
}
