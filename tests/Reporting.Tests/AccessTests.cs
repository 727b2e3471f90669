using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Reporting.Tests;

/// <summary>
/// Every endpoint of the reporting service, taken from the host's route table (a new endpoint is checked without
/// editing this test): anonymous 401; a user outside the workspace 404; a workspace member 200-class on reads and 403
/// on what only owners/admins may do; a member outside a private project 404.
/// </summary>
public abstract class AccessTests(ReportingApp app) : ReportingTestBase(app)
{
    static readonly string[] Prefixes = ["/v1/projects/{projectId:guid}/reports", "/v1/workspaces/{workspaceId:guid}/reports"];

    sealed record Call(string Method, string Pattern, string Path, object? Body, bool AdminOnly, bool Workspace);

    List<Call> Calls(FixedHistory h, Guid projectId)
    {
        var endpoints = App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => Prefixes.Any(p => e.RoutePattern.RawText?.StartsWith(p, StringComparison.Ordinal) == true)).ToList();
        Assert.True(endpoints.Count >= 14, $"only {endpoints.Count} reporting endpoints found");
        var calls = new List<Call>();
        foreach (var endpoint in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText!;
            var path = pattern.Replace("{projectId:guid}", projectId.ToString()).Replace("{workspaceId:guid}", h.WorkspaceId.ToString())
                .Replace("{cycleId:guid}", h.CycleId.ToString()).Replace("{exportId:guid}", Guid.NewGuid().ToString());
            Assert.DoesNotContain("{", path);
            var method = Assert.Single(endpoint.Metadata.GetRequiredMetadata<IHttpMethodMetadata>().HttpMethods);
            object? body = (method, pattern) switch
            {
                ("POST", var p) when p.EndsWith("/exports", StringComparison.Ordinal) => new { report = "summary", format = "csv" },
                ("PUT", var p) when p.EndsWith("/settings", StringComparison.Ordinal) => new { weekStart = "monday" },
                ("PUT", var p) when p.EndsWith("/weekly-email", StringComparison.Ordinal) => new { recipients = Array.Empty<Guid>(), day = "monday", hour = 9 },
                ("POST", var p) when p.EndsWith("/rebuild", StringComparison.Ordinal) => null,
                ("GET", _) => null,
                _ => throw new InvalidOperationException($"Add a request body for {method} {pattern} to this test."),
            };
            var adminOnly = endpoint.Metadata.Any(m => m.GetType().Name == "RequiresWorkspaceAdmin");
            calls.Add(new Call(method, pattern, path, body, adminOnly, pattern.StartsWith("/v1/workspaces", StringComparison.Ordinal)));
        }
        return calls;
    }

    async Task<HttpResponseMessage> Send(HttpClient client, Call call)
    {
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path);
        if (call.Body is not null) request.Content = JsonContent.Create(call.Body);
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Every_reporting_endpoint_refuses_anonymous_callers_outsiders_and_members_without_the_role()
    {
        App.Clock.Now = FixedHistory.Now;
        var h = new FixedHistory();
        var privateProject = Guid.NewGuid();
        static T When<T>(T e) where T : IntegrationEvent => e with { OccurredAt = FixedHistory.Now, EventId = Guid.CreateVersion7() };
        await Deliver([.. h.Setup(), .. h.Events(), When(new ProjectCreated(privateProject, h.WorkspaceId, "SEC", "Secret", "private"))]);
        var member = Client(h.Member);
        var owner = Client(h.Owner);

        foreach (var call in Calls(h, h.ProjectId))
        {
            var what = $"{call.Method} {call.Pattern}";
            Assert.True(HttpStatusCode.Unauthorized == (await Send(App.CreateClient(), call)).StatusCode, $"{what} anonymous");
            var outsider = await Send(Client(h.Outsider), call);
            await AssertProblem(outsider, HttpStatusCode.NotFound, call.Workspace ? "workspace-not-found" : "project-not-found");

            var asMember = await Send(member, call);
            if (call.AdminOnly)
                await AssertProblem(asMember, HttpStatusCode.Forbidden, "insufficient-role");
            else
                Assert.True((int)asMember.StatusCode is >= 200 and < 300 || (call.Pattern.Contains("{exportId", StringComparison.Ordinal) && asMember.StatusCode == HttpStatusCode.NotFound),
                    $"{what} as member: {(int)asMember.StatusCode}");
            if (call.AdminOnly)
                Assert.True((int)(await Send(owner, call)).StatusCode is >= 200 and < 300, $"{what} as owner");
        }

        // A private project: hidden from a workspace member who is not in it, visible to the owner.
        foreach (var call in Calls(h, privateProject).Where(c => !c.Workspace))
        {
            await AssertProblem(await Send(member, call), HttpStatusCode.NotFound, "project-not-found");
            if (call.Method == "GET" && !call.Pattern.Contains('{' + "exportId", StringComparison.Ordinal) && !call.Pattern.Contains("{cycleId", StringComparison.Ordinal))
                Assert.Equal(HttpStatusCode.OK, (await Send(owner, call)).StatusCode);
        }
        await Deliver([When(new ProjectMemberAdded(privateProject, h.Member.Id, "viewer"))]);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/v1/projects/{privateProject}/reports/summary", Ct)).StatusCode);

        // Removed from the workspace: 404 at once.
        await Deliver([When(new Workspaces.Contracts.MemberRemoved(h.WorkspaceId, h.Member.Id))]);
        await AssertProblem(await member.GetAsync($"/v1/projects/{h.ProjectId}/reports/summary", Ct), HttpStatusCode.NotFound, "project-not-found");
    }

    [Fact]
    public async Task An_export_is_visible_only_to_the_member_who_started_it()
    {
        App.Clock.Now = FixedHistory.Now;
        var h = new FixedHistory();
        await Deliver([.. h.Setup(), .. h.Events()]);
        var started = await Client(h.Owner).PostAsJsonAsync($"/v1/projects/{h.ProjectId}/reports/exports", new { report = "overdue", format = "csv" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        await AssertProblem(await Client(h.Member).GetAsync($"/v1/projects/{h.ProjectId}/reports/exports/{id}", Ct), HttpStatusCode.NotFound, "export-not-found");
        await AssertProblem(await Client(h.Member).GetAsync($"/v1/projects/{h.ProjectId}/reports/exports/{id}/file", Ct), HttpStatusCode.NotFound, "export-not-found");
    }
}

public sealed class SqliteAccessTests(SqliteReportingApp app) : AccessTests(app), IClassFixture<SqliteReportingApp>;

public sealed class PostgresAccessTests(PostgresReportingApp app) : AccessTests(app), IClassFixture<PostgresReportingApp>;
