using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>
/// The cheap read by id (issue 19, docs/adr/0046-cheaper-read-by-id.md) keeps every guarantee: a token read from the validated-token
/// memory is still refused once its session ends, a forged signature is refused though the genuine token was accepted,
/// a removed member loses access on the next read, and a read after a PATCH sees the change and its ETag.
/// </summary>
public abstract class ReadByIdTests(TaskFlowApp app) : TasksTestBase(app)
{
    long TokenHits() =>
        App.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme)
            .TokenHandlers.OfType<ValidatedTokens>().Single().Hits;

    static async Task<HttpStatusCode> Read(HttpClient client, string token, Guid taskId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{taskId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_token_answered_from_memory_is_refused_at_once_after_logout()
    {
        var s = await WorkspaceWithProject();
        var taskId = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Read" }));
        var anonymous = Anonymous();
        var login = await anonymous.PostAsJsonAsync("/v1/auth/login", new { email = s.Owner.Email, password = "correct-Horse-battery-9" }, Ct);
        var session = await Json(login);
        var token = session.GetProperty("accessToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await Read(anonymous, token, taskId));
        var hits = TokenHits();
        Assert.Equal(HttpStatusCode.OK, await Read(anonymous, token, taskId));
        Assert.True(TokenHits() > hits, "the second read with the same token should skip the signature check");

        var logout = await anonymous.PostAsJsonAsync("/v1/auth/logout", new { refreshToken = session.GetProperty("refreshToken").GetString() }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await Read(anonymous, token, taskId));
    }

    [Fact]
    public async Task A_forged_signature_is_refused_right_after_the_genuine_token_was_accepted()
    {
        var s = await WorkspaceWithProject();
        var taskId = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Read" }));
        var anonymous = Anonymous();
        var token = await Accounts.SignIn(anonymous, s.Owner.Email, "correct-Horse-battery-9");
        Assert.Equal(HttpStatusCode.OK, await Read(anonymous, token, taskId));
        Assert.Equal(HttpStatusCode.OK, await Read(anonymous, token, taskId));

        var dot = token.LastIndexOf('.');
        var signature = token[(dot + 1)..];
        var forged = token[..(dot + 1)] + (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
        Assert.Equal(HttpStatusCode.Unauthorized, await Read(anonymous, forged, taskId));
        var otherPayload = token[..token.IndexOf('.')] + ".e30." + signature;
        Assert.Equal(HttpStatusCode.Unauthorized, await Read(anonymous, otherPayload, taskId));
    }

    [Fact]
    public async Task A_removed_member_is_refused_the_task_on_the_next_read()
    {
        var s = await WorkspaceWithProject();
        var taskId = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Read" }));
        var member = await ProjectMember(s, "member");
        await GetTask(member, taskId);
        await GetTask(member, taskId);

        var removed = await s.Owner.Client.DeleteAsync($"/v1/workspaces/{s.WorkspaceId}/members/{member.Id}", Ct);
        Assert.True(removed.IsSuccessStatusCode, removed.StatusCode.ToString());
        await WaitUntil(db => db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == s.WorkspaceId && m.UserId == member.Id && !m.Active, Ct), "the removal");

        Assert.Equal(HttpStatusCode.NotFound, (await member.Client.GetAsync($"/v1/tasks/{taskId}", Ct)).StatusCode);
        await GetTask(s.Owner, taskId);
    }

    [Fact]
    public async Task A_read_right_after_a_patch_shows_the_change_and_its_etag()
    {
        var s = await WorkspaceWithProject();
        var taskId = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Before" }));
        var (_, etag) = await GetTask(s.Owner, taskId);
        await GetTask(s.Owner, taskId);

        var patched = await Patch(s.Owner, taskId, new { title = "After" }, etag);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var (task, newEtag) = await GetTask(s.Owner, taskId);
        Assert.Equal("After", task.GetProperty("title").GetString());
        Assert.Equal($"\"{task.GetProperty("version").GetInt32()}\"", newEtag);
        Assert.NotEqual(etag, newEtag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Patch(s.Owner, taskId, new { title = "Stale" }, etag)).StatusCode);
    }

    [Fact]
    public void With_no_exporter_configured_no_traces_are_recorded() =>
        Assert.Null(App.Services.GetService<TracerProvider>());
}

public sealed class SqliteReadByIdTests(SqliteApp app) : ReadByIdTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresReadByIdTests(PostgresApp app) : ReadByIdTests(app), IClassFixture<PostgresApp>;

/// <summary>With a trace exporter configured (here <c>Telemetry:Traces</c>), requests and database commands are traced.</summary>
public sealed class TracedReadTests(TracedReadTests.TracedApp app) : TasksTestBase(app), IClassFixture<TracedReadTests.TracedApp>
{
    public sealed class TracedApp() : TaskFlowApp(Provider.Sqlite)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Telemetry:Traces", "true")];
    }

    [Fact]
    public async Task A_read_by_id_is_traced_when_traces_are_exported()
    {
        Assert.NotNull(App.Services.GetService<TracerProvider>());
        var s = await WorkspaceWithProject();
        var taskId = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Traced" }));
        var (task, _) = await GetTask(s.Owner, taskId);
        Assert.Equal("Traced", task.GetProperty("title").GetString());
    }
}
