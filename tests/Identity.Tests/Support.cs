using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Identity.Data;
using TaskFlow.TestKit;

namespace TaskFlow.Identity.Tests;

/// <summary>Shared plumbing of the identity endpoint tests.</summary>
public abstract class IdentityTestBase(TaskFlowApp app)
{
    protected TaskFlowApp App { get; } = app;
    protected HttpClient Client { get; } = app.CreateClient();
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected Task<HttpResponseMessage> Post(string url, object body, HttpClient? client = null) =>
        (client ?? Client).PostAsJsonAsync(url, body, Ct);

    protected Task<RegisteredUser> NewUser(string? email = null) => Accounts.Register(Client, email);

    /// <summary>Signs in and returns the whole token response.</summary>
    protected async Task<JsonElement> Login(RegisteredUser user, string? password = null)
    {
        var response = await Post("/v1/auth/login", new { email = user.Email, password = password ?? user.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json(response);
    }

    protected static async Task<JsonElement> Json(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    /// <summary>Asserts a 400 validation problem naming exactly <paramref name="fields"/>.</summary>
    protected static async Task AssertValidation(HttpResponseMessage response, params string[] fields)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await Json(response)).GetProperty("errors");
        Assert.Equal(fields.Order(StringComparer.Ordinal), errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    protected static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? slug = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (slug is not null) Assert.Equal("https://taskflow.dev/problems/" + slug, problem.GetProperty("type").GetString());
        return problem;
    }

    /// <summary>Runs <paramref name="work"/> on the identity database of the app (for arranging expiry and reading state).</summary>
    private protected async Task<T> Db<T>(Func<IdentityDb, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<IdentityDb>());
    }

    protected Task<JsonElement?> LatestEvent(string type, string email) => Events.Latest(App, type, email);

    protected async Task<string> MailedToken(string type, string email) =>
        (await Events.Latest(App, type, email))?.GetProperty("token").GetString() ?? throw new InvalidOperationException($"No {type} for {email}.");
}

/// <summary>
/// Reads what identity published. Stand-in for <c>app.WaitForMail</c> until the notifications service sends mail:
/// then <see cref="Latest"/> can read the token from the mail link instead.
/// </summary>
public static class Events
{
    internal static async Task<JsonElement?> Latest(TaskFlowApp app, string type, string email)
    {
        var all = await All(app, type);
        return all.LastOrDefault(e => string.Equals(e.GetProperty("email").GetString(), email, StringComparison.OrdinalIgnoreCase)) is { ValueKind: JsonValueKind.Object } found
            ? found
            : null;
    }

    internal static async Task<List<JsonElement>> All(TaskFlowApp app, string type)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        var payloads = await db.OutboxMessages.AsNoTracking().Where(m => m.Type == type).OrderBy(m => m.OccurredAt).Select(m => m.Payload).ToListAsync();
        return payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone()).ToList();
    }
}
