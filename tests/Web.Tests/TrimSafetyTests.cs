using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Components;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Realtime;

namespace TaskFlow.Web.Tests;

/// <summary>Web JSON defaults by reflection, for test data of any shape (the client itself has generated metadata only).</summary>
static class TestJson
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}

/// <summary>
/// The published client is trimmed in full (docs/adr/0014-web-start-up.md): what reflection needs must be declared. A
/// shape missing from the generated JSON metadata, or a component outside the rooted namespaces, would only fail in a
/// published build; these checks fail here instead.
/// </summary>
[Trait("Category", "Components")]
public sealed class TrimSafetyTests
{
    static readonly Assembly Client = typeof(ApiClient).Assembly;

    [Fact]
    public void Every_shape_the_API_classes_send_or_read_has_generated_JSON_metadata()
    {
        var apis = Client.GetTypes().Where(t => t.Namespace == typeof(ApiClient).Namespace && t.Name.EndsWith("Api", StringComparison.Ordinal)).ToList();
        Assert.True(apis.Count >= 7, string.Join(", ", apis));
        var shapes = new HashSet<Type>();
        foreach (var method in apis.SelectMany(a => a.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)))
        {
            if (method.ReturnType is { IsGenericType: true } task && task.GetGenericTypeDefinition() == typeof(Task<>)
                && task.GetGenericArguments()[0] is { IsGenericType: true } result && result.GetGenericTypeDefinition() == typeof(ApiResult<>))
                shapes.Add(result.GetGenericArguments()[0]);
            foreach (var parameter in method.GetParameters())
                if (IsShape(parameter.ParameterType)) shapes.Add(parameter.ParameterType);
        }
        shapes.Remove(typeof(NoBody));
        shapes.Remove(typeof((byte[], string?, string)));
        shapes.Add(typeof(SessionToken));
        shapes.Add(typeof(LoginRequest));
        shapes.Add(typeof(ProjectEvent));
        Assert.True(shapes.Count >= 30, string.Join(", ", shapes));
        var missing = shapes.Where(t => ApiJson.Default.GetTypeInfo(t) is null).Select(t => t.ToString()).ToList();
        Assert.True(missing.Count == 0, "Not in ApiJson: " + string.Join(", ", missing));
    }

    static bool IsShape(Type type) =>
        type.Namespace == typeof(ApiClient).Namespace && type != typeof(TaskQuery) && type != typeof(InboxFilter)
        || type.IsGenericType && type.GetGenericArguments().Any(IsShape);

    [Fact]
    public void A_merge_patch_and_a_bulk_body_are_written_from_generated_metadata()
    {
        var id = Guid.Parse("6f1c2a9e-0000-4000-8000-000000000001");
        var patch = new Dictionary<string, object?>
        {
            ["title"] = "Oil the gears", ["description"] = null, ["dueDate"] = "2026-12-24", ["cycleId"] = (Guid?)id, ["labelIds"] = new[] { id },
        };
        Assert.Equal(
            $$"""{"title":"Oil the gears","description":null,"dueDate":"2026-12-24","cycleId":"{{id}}","labelIds":["{{id}}"]}""",
            JsonSerializer.Serialize(patch, ApiClient.Info(patch.GetType())));
    }

    [Fact]
    public void The_client_has_no_reflection_fallback_for_JSON()
    {
        Assert.Same(ApiJson.Default, ApiClient.Json.TypeInfoResolver);
        Assert.Throws<NotSupportedException>(() => ApiClient.Info(new { Anonymous = true }.GetType()));
    }

    [Fact]
    public void Every_component_is_in_a_namespace_the_trimmer_keeps()
    {
        var descriptor = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "Web.Client", "ILLink.Descriptors.xml"));
        var kept = descriptor.Descendants("type").Select(t => (string)t.Attribute("fullname")!).ToList();
        var components = Client.GetTypes().Where(t => typeof(IComponent).IsAssignableFrom(t) && !t.IsAbstract).ToList();
        Assert.Contains(components, t => t.Name == "Board");
        var outside = components
            .Where(t => !kept.Any(k => k.EndsWith(".*", StringComparison.Ordinal)
                ? (t.Namespace ?? "").Equals(k[..^2], StringComparison.Ordinal)
                : t.FullName == k))
            .Select(t => t.FullName).ToList();
        Assert.True(outside.Count == 0, "Components the trimmer would remove (add their namespace to ILLink.Descriptors.xml): " + string.Join(", ", outside));
    }

    /// <summary>
    /// ILLink.Substitutions.xml removes the parsing of For/ValueExpression lambdas (FieldIdentifier) from the published app,
    /// which takes the expression compiler with it. Such a lambda compiles to calls of Expression's factory methods
    /// (Lambda, Property, Field, Constant …): the client must contain none.
    /// </summary>
    [Fact]
    public void The_client_builds_no_expression_trees()
    {
        using var stream = File.OpenRead(Client.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var calls = new List<string>();
        foreach (var handle in metadata.MemberReferences)
        {
            var member = metadata.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference) continue;
            var type = metadata.GetTypeReference((TypeReferenceHandle)member.Parent);
            if (metadata.GetString(type.Namespace) == "System.Linq.Expressions" && metadata.GetString(type.Name) == "Expression")
                calls.Add(metadata.GetString(member.Name));
        }
        Assert.True(calls.Count == 0,
            "The client builds expression trees (a For=/ValueExpression lambda, or DialogParameters<T> with a lambda: use the parameter's name): "
            + string.Join(", ", calls) + ". See src/Web.Client/ILLink.Substitutions.xml.");
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TaskFlow.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("TaskFlow.slnx not found above " + AppContext.BaseDirectory);
    }
}
