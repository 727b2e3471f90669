using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Catalog.Data;
using TaskFlow.TestKit;

namespace TaskFlow.Catalog.Tests;

/// <summary>Helpers of the catalog's endpoint tests: admin and customer clients, categories and products through the API.</summary>
public abstract class CatalogTestBase(ShopApp app)
{
    protected ShopApp App { get; } = app;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A client whose token has the shop's admin role.</summary>
    protected HttpClient Admin() => WithToken(TestTokens.For(TestUser.New("Ada Admin"), role: "admin"));

    /// <summary>A signed-in customer: a valid token without the admin role.</summary>
    protected HttpClient Customer() => WithToken(TestTokens.For(TestUser.New("Carl Customer")));

    protected HttpClient Anonymous() => App.CreateClient();

    HttpClient WithToken(string token)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A unique word, so tests sharing one database find their own rows.</summary>
    protected static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    protected async Task<JsonElement> CreateCategory(string name, Guid? parentId = null, string? slug = null)
    {
        var response = await Admin().PostAsJsonAsync("/v1/categories", new { name, slug, parent_id = parentId }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await Json(response);
    }

    protected async Task<JsonElement> CreateProduct(string category, string name = "Smartphone X", decimal price = 999.99m, int? stock = 150,
        string? description = "Latest model smartphone...", string currency = "USD", string? imageUrl = null)
    {
        var response = await Admin().PostAsJsonAsync("/v1/products", new
        {
            name, description, price, currency, category, stock_quantity = stock, image_url = imageUrl,
        }, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return await Json(response);
    }

    protected async Task<JsonElement> GetJson(string path, HttpClient? client = null)
    {
        var response = await (client ?? Anonymous()).GetAsync(path, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await Json(response);
    }

    protected async Task<List<string>> Names(string path) =>
        [.. (await GetJson(path)).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];

    protected static async Task<JsonElement> Json(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    protected static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? slug = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (slug is not null) Assert.Equal("https://taskflow.dev/problems/" + slug, problem.GetProperty("type").GetString());
        return problem;
    }

    /// <summary>Asserts a 400 validation problem naming exactly <paramref name="fields"/>.</summary>
    protected static async Task AssertValidation(HttpResponseMessage response, params string[] fields)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var names = JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(fields.Order().ToArray(), names);
    }

    protected static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await client.SendAsync(request, Ct);
    }

    /// <summary>Delivers an event to the catalog's consumer as a transport would (inbox, transaction, handler).</summary>
    protected async Task Deliver<TEvent>(TEvent integrationEvent) where TEvent : IntegrationEvent
    {
        var subscription = App.Services.GetServices<EventSubscription>().Single(s => s.Service == "catalog" && s.EventType == typeof(TEvent).Name);
        var message = OutboxMessage.From(integrationEvent, null).ToEnvelope();
        await using var scope = App.Services.CreateAsyncScope();
        await subscription.Handle(scope.ServiceProvider, message, Ct);
    }

    private protected async Task<T> WithDb<T>(Func<CatalogDb, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<CatalogDb>());
    }

    /// <summary>Payloads of the events of one type in the catalog outbox, oldest first.</summary>
    protected Task<List<JsonElement>> Outbox(string type) => WithDb(async db =>
    {
        var payloads = await db.OutboxMessages.AsNoTracking().Where(m => m.Type == type).OrderBy(m => m.OccurredAt).Select(m => m.Payload).ToListAsync(Ct);
        return payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone()).ToList();
    });
}
