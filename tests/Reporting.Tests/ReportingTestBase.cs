using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Tests;

/// <summary>Helpers: hand events to the reporting service's own consumers, call the report endpoints, wait for copies.</summary>
public abstract class ReportingTestBase(ReportingApp app)
{
    protected ReportingApp App { get; } = app;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected HttpClient Client(TestUser user) => App.Client(user);

    /// <summary>
    /// Delivers events to every reporting consumer of their type, as a transport would (the same envelope: id, wire
    /// name, JSON payload of the producer's record), in the given order.
    /// </summary>
    private protected async Task Deliver(IEnumerable<IntegrationEvent> events)
    {
        var subscriptions = App.Services.GetServices<EventSubscription>().Where(s => s.Service == "reporting").ToList();
        foreach (var e in events)
        {
            var envelope = OutboxMessage.From(e, null).ToEnvelope();
            var consumers = subscriptions.Where(s => s.EventType == envelope.Type).ToList();
            Assert.True(consumers.Count > 0, $"reporting consumes {envelope.Type}");
            foreach (var consumer in consumers)
            {
                await using var scope = App.Services.CreateAsyncScope();
                await consumer.Handle(scope.ServiceProvider, envelope, Ct);
            }
        }
    }

    protected static async Task<JsonElement> Get(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Every report of a project as JSON text, for comparing two states of the read model.</summary>
    protected static async Task<string> AllReports(HttpClient client, Guid projectId, Guid? cycleId, string query)
    {
        var p = $"/v1/projects/{projectId}/reports";
        var paths = new List<string> { "summary", "cumulative-flow", "throughput", "cycle-time", "workload", "overdue", "created-vs-completed" };
        if (cycleId is { } c) paths.Add($"cycles/{c}/burndown");
        var texts = new List<string>();
        foreach (var path in paths)
        {
            var response = await client.GetAsync($"{p}/{path}?{query}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            texts.Add(path + ": " + await response.Content.ReadAsStringAsync(Ct));
        }
        return string.Join("\n", texts);
    }

    private protected async Task<T> WithDb<T>(Func<ReportingDb, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ReportingDb>());
    }

    private protected Task WaitForCopy(Func<ReportingDb, Task<bool>> condition, string what) => WaitUntil(() => WithDb(condition), what);

    protected static async Task WaitUntil(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(50, Ct);
        }
    }

    protected static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? slug = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        if (slug is not null) Assert.Equal("https://taskflow.dev/problems/" + slug, problem.GetProperty("type").GetString());
        return problem;
    }

    private protected Task<int> EventCount(Guid projectId) => WithDb(db => db.Events.CountAsync(e => e.ProjectId == projectId, Ct));
}
