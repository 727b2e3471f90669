using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.TestKit;

namespace TaskFlow.Platform.Tests;

public abstract class PlatformEndpointTests(TaskFlowApp app)
{
    readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        var response = await client.GetAsync(new Uri("/v1/does-not-exist", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task Health_ready_checks_the_databases()
    {
        var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OpenAPI_document_is_3_1_with_the_bearer_scheme()
    {
        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task OpenAPI_document_gives_each_request_its_own_schema_with_examples()
    {
        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.False(schemas.TryGetProperty("Request", out _), "feature-local Request records must not collapse into one schema");
        Assert.Equal("ada@example.com", schemas.GetProperty("RegisterRequest").GetProperty("examples")[0].GetProperty("email").GetString());
        Assert.True(schemas.GetProperty("CreateWorkspaceRequest").GetProperty("properties").TryGetProperty("name", out _));
        var register = document.GetProperty("paths").GetProperty("/v1/auth/register").GetProperty("post");
        Assert.True(register.GetProperty("responses").TryGetProperty("409", out _));
        var me = document.GetProperty("paths").GetProperty("/v1/users/me").GetProperty("get");
        Assert.Equal(JsonValueKind.Array, me.GetProperty("security").ValueKind);
    }

    [Fact]
    public async Task OpenAPI_create_task_requires_only_the_title_and_its_example_is_valid()
    {
        var document = await client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty("CreateTaskRequest");
        Assert.Equal(["title"], schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToArray());
        var example = schema.GetProperty("examples")[0];
        Assert.False(string.IsNullOrEmpty(example.GetProperty("title").GetString()));
        Assert.DoesNotContain(example.EnumerateObject(), p => p.Value.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Every_response_carries_a_correlation_id_and_echoes_the_callers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Correlation-Id", "test-correlation-1");
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal("test-correlation-1", response.Headers.GetValues("X-Correlation-Id").Single());
    }

    /// <summary>
    /// Every event a consumer of the all-in-one host subscribes to is a record of a producer's contracts assembly, so a
    /// subscription to a name nobody publishes (a typo, a renamed event) fails here.
    /// </summary>
    [Fact]
    public void Every_consumed_event_is_a_record_a_producer_publishes()
    {
        var published = Directory.GetFiles(AppContext.BaseDirectory, "TaskFlow.*.Contracts.dll")
            .SelectMany(path => Assembly.LoadFrom(path).GetExportedTypes())
            .Where(t => typeof(IntegrationEvent).IsAssignableFrom(t))
            .Select(t => t.Name)
            .ToHashSet();
        var subscriptions = app.Services.GetServices<EventSubscription>().ToList();
        Assert.NotEmpty(subscriptions);
        var unknown = subscriptions.Where(s => !published.Contains(s.EventType)).Select(s => $"{s.Consumer} ({s.EventType})").ToList();
        Assert.True(unknown.Count == 0, $"Subscribed to events nobody publishes: {string.Join(", ", unknown)}");
    }

    [Fact]
    public async Task Metrics_are_exposed_for_prometheus()
    {
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("target_info", text, StringComparison.Ordinal);
    }
}

public sealed class SqlitePlatformEndpointTests(SqliteApp app) : PlatformEndpointTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresPlatformEndpointTests(PostgresApp app) : PlatformEndpointTests(app), IClassFixture<PostgresApp>;
