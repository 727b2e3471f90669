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

    static IReadOnlyList<Assembly> ContractsAssemblies() =>
        Directory.GetFiles(AppContext.BaseDirectory, "TaskFlow.*.Contracts.dll").Select(path => Assembly.LoadFrom(path)).ToList();

    static DirectoryInfo SourceRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "TaskFlow.slnx"))) root = root.Parent;
        Assert.NotNull(root);
        return root;
    }

    /// <summary>The file names of the projects a project file references (e.g. <c>BuildingBlocks.csproj</c>).</summary>
    static List<string> ProjectReferences(string csproj) =>
        System.Xml.Linq.XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(r => Path.GetFileName(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

    static List<string> TaskFlowReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(r => r.Name!).Where(n => n.StartsWith("TaskFlow.", StringComparison.Ordinal)).ToList();

    /// <summary>BuildingBlocks, or a building block of its own project beside it (BuildingBlocks.Membership).</summary>
    static bool IsBuildingBlock(string name) =>
        name is "BuildingBlocks" or "TaskFlow.BuildingBlocks"
        || name.StartsWith("BuildingBlocks.", StringComparison.Ordinal) || name.StartsWith("TaskFlow.BuildingBlocks.", StringComparison.Ordinal);

    /// <summary>
    /// Services talk through HTTP and events only: a service's project references building blocks and contracts projects
    /// (its own events, and the events of the services it consumes), never another service (docs/adr/0002).
    /// </summary>
    [Fact]
    public void A_service_references_only_building_blocks_and_contracts()
    {
        var services = ServiceAssemblies();
        Assert.NotEmpty(services);
        foreach (var service in services)
        {
            var references = TaskFlowReferences(service).Where(n => !IsBuildingBlock(n) && !n.EndsWith(".Contracts", StringComparison.Ordinal)).ToList();
            Assert.True(references.Count == 0, $"{service.GetName().Name} references {string.Join(", ", references)}");
        }
        foreach (var csproj in Directory.GetFiles(Path.Combine(SourceRoot().FullName, "src", "Services"), "*.csproj", SearchOption.AllDirectories))
        {
            var references = ProjectReferences(csproj)
                .Where(r => !IsBuildingBlock(Path.GetFileNameWithoutExtension(r)) && !r.EndsWith(".Contracts.csproj", StringComparison.Ordinal))
                .ToList();
            Assert.True(references.Count == 0, $"{Path.GetFileName(csproj)} references {string.Join(", ", references)}");
        }
    }

    /// <summary>A building block beside BuildingBlocks may consume contracts, but never reference a service.</summary>
    [Fact]
    public void A_building_block_references_no_service()
    {
        var blocks = Directory.GetFiles(AppContext.BaseDirectory, "TaskFlow.BuildingBlocks.*.dll").Select(path => Assembly.LoadFrom(path)).ToList();
        Assert.NotEmpty(blocks);
        foreach (var block in blocks)
        {
            var references = TaskFlowReferences(block).Where(n => !IsBuildingBlock(n) && !n.EndsWith(".Contracts", StringComparison.Ordinal)).ToList();
            Assert.True(references.Count == 0, $"{block.GetName().Name} references {string.Join(", ", references)}");
        }
    }

    /// <summary>
    /// Every folder under <c>src/Contracts</c> builds a contracts assembly that references BuildingBlocks only (for the
    /// IntegrationEvent base) and holds nothing but public event records and records nested in them.
    /// </summary>
    [Fact]
    public void A_contracts_project_holds_only_event_records_and_references_only_building_blocks()
    {
        var folders = Directory.GetDirectories(Path.Combine(SourceRoot().FullName, "src", "Contracts"))
            .Where(d => Directory.GetFiles(d, "*.csproj").Length > 0)
            .ToList();
        var contracts = ContractsAssemblies();
        Assert.NotEmpty(folders);
        Assert.Equal(folders.Select(d => "TaskFlow." + Path.GetFileName(d)).Order(), contracts.Select(a => a.GetName().Name!).Order());

        // The one reference comes from src/Contracts/Directory.Build.props; a project adds none of its own.
        Assert.Equal(["BuildingBlocks.csproj"], ProjectReferences(Path.Combine(SourceRoot().FullName, "src", "Contracts", "Directory.Build.props")));
        foreach (var folder in folders)
            Assert.Empty(ProjectReferences(Assert.Single(Directory.GetFiles(folder, "*.csproj"))));
        foreach (var assembly in contracts)
        {
            Assert.Equal(["TaskFlow.BuildingBlocks"], TaskFlowReferences(assembly));
            var name = assembly.GetName().Name!;
            var strays = assembly.GetTypes()
                .Where(t => !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false))
                .Where(t => !(t.IsPublic || t.IsNestedPublic) || !IsRecord(t) || !IsEventOrPartOfOne(t) || t.Namespace != name)
                .Select(t => t.FullName)
                .ToList();
            Assert.True(strays.Count == 0, $"{name} holds more than event records: {string.Join(", ", strays)}");
        }
    }

    /// <summary>The wire name is the record's type name: two producers must not publish the same one.</summary>
    [Fact]
    public void Every_event_name_has_one_producer()
    {
        var clashes = ContractsAssemblies()
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => typeof(TaskFlow.BuildingBlocks.Messaging.IntegrationEvent).IsAssignableFrom(t))
            .GroupBy(t => t.Name)
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" and ", g.Select(t => t.FullName)))
            .ToList();
        Assert.True(clashes.Count == 0, $"Same wire name: {string.Join("; ", clashes)}");
    }

    [Fact]
    public void A_service_exposes_only_its_module()
    {
        foreach (var service in ServiceAssemblies())
        {
            var leaked = service.GetExportedTypes()
                .Where(t => !typeof(IServiceModule).IsAssignableFrom(t))
                .Where(t => !t.Namespace!.Contains(".Migrations", StringComparison.Ordinal))
                .Select(t => t.FullName)
                .ToList();
            Assert.True(leaked.Count == 0, $"{service.GetName().Name} makes public: {string.Join(", ", leaked)}");
        }
    }

    [Fact]
    public void No_code_keeps_postgresql_session_state_a_pooled_connection_would_carry_to_its_next_user()
    {
        // PostgreSQL connections go back to the pool without DISCARD ALL (DataSetup: No Reset On Close), so whatever a
        // session sets outlives the request that set it. Transaction-scoped forms (SET LOCAL, pg_advisory_xact_lock) are fine.
        var sessionState = new System.Text.RegularExpressions.Regex(
            @"pg_advisory_lock(_shared)?\s*\(|pg_try_advisory_lock(_shared)?\s*\(|(?<=(""|;)\s*)SET\s+(SESSION\s+)?(?!LOCAL\b)[a-z_]+\s*(=|TO\b)|\bLISTEN\s|\bCREATE\s+TEMP|set_config\s*\([^)]*false\s*\)",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var found = Directory.GetFiles(Path.Combine(SourceRoot().FullName, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, line, i)))
            .Where(x => sessionState.IsMatch(x.line) && x.line.Contains('"'))
            .Select(x => $"{Path.GetRelativePath(SourceRoot().FullName, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(found.Count == 0, "Session state on a pooled connection:\n" + string.Join("\n", found));
    }

    /// <summary>Records have a compiler-generated <c>&lt;Clone&gt;$</c> method.</summary>
    static bool IsRecord(Type t) => t.GetMethod("<Clone>$") is not null;

    /// <summary>
    /// An integration event, a type nested in one (a part of its payload, e.g. a list item), or a record that events of
    /// its assembly carry as a property (a part several events share, e.g. the tasks events' report facts).
    /// </summary>
    static bool IsEventOrPartOfOne(Type t) =>
        typeof(TaskFlow.BuildingBlocks.Messaging.IntegrationEvent).IsAssignableFrom(t) || (t.DeclaringType is { } outer && IsEventOrPartOfOne(outer))
        || t.Assembly.GetExportedTypes().Where(e => typeof(TaskFlow.BuildingBlocks.Messaging.IntegrationEvent).IsAssignableFrom(e))
            .SelectMany(e => e.GetProperties()).Any(p => (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == t
                || p.PropertyType.GetElementType() == t || p.PropertyType.GenericTypeArguments.Contains(t));
}
