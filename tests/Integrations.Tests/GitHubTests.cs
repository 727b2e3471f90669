using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaskFlow.Integrations.Tests;

/// <summary>GitHub payloads signed with X-Hub-Signature-256 become ExternalLinkReported events for the mentioned tasks.</summary>
public abstract class GitHubTests(IntegrationsApp app) : IntegrationsTestBase(app)
{
    const string Secret = "It's a Secret to Everybody";

    async Task<(Setup Setup, Guid DoneStatus)> Configured(bool moveOnMerge = true)
    {
        var s = await WorkspaceWithProject();
        var done = Guid.NewGuid();
        var put = await s.Owner.Client.PutAsJsonAsync($"/v1/projects/{s.ProjectId}/integrations/github", new { secret = Secret, moveToStatusIdOnMerge = moveOnMerge ? done : (Guid?)null, enabled = true }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var body = await Json(put);
        Assert.Equal($"/v1/integrations/github/{s.ProjectId}", body.GetProperty("payloadUrl").GetString());
        Assert.False(body.TryGetProperty("secret", out _));
        return (s, done);
    }

    static string PullRequest(string action, bool merged, string title = "web-7: login page", string body = "Also fixes WEB-8 but not API-1 or XWEB-3.", string branch = "feature/Web-9-login") =>
        JsonSerializer.Serialize(new
        {
            action,
            number = 42,
            pull_request = new { number = 42, html_url = "https://github.com/acme/site/pull/42", title, body, state = action == "closed" ? "closed" : "open", merged, head = new { @ref = branch } },
            repository = new { full_name = "acme/site" },
        });

    async Task<List<JsonElement>> Links(Guid projectId) =>
        (await Outbox("ExternalLinkReported")).Where(e => e.GetProperty("projectId").GetGuid() == projectId).ToList();

    [Fact]
    public async Task A_merged_pull_request_reports_every_mentioned_task_with_the_status_to_move_to()
    {
        var (s, done) = await Configured();

        var response = await SendGitHub(s.ProjectId, "pull_request", PullRequest("closed", merged: true), Secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await Json(response)).GetProperty("reported").GetInt32());
        var links = await Links(s.ProjectId);
        Assert.Equal(["WEB-7", "WEB-8", "WEB-9"], links.Select(l => l.GetProperty("taskKey").GetString()).Order().ToArray());
        Assert.All(links, l =>
        {
            Assert.Equal(s.WorkspaceId, l.GetProperty("workspaceId").GetGuid());
            Assert.Equal("github", l.GetProperty("provider").GetString());
            Assert.Equal("pull_request", l.GetProperty("kind").GetString());
            Assert.Equal("acme/site#42", l.GetProperty("externalId").GetString());
            Assert.Equal("https://github.com/acme/site/pull/42", l.GetProperty("url").GetString());
            Assert.Equal("web-7: login page", l.GetProperty("title").GetString());
            Assert.Equal("merged", l.GetProperty("state").GetString());
            Assert.Equal(done, l.GetProperty("moveToStatusId").GetGuid());
        });
    }

    [Fact]
    public async Task Opened_and_unmerged_pull_requests_report_links_without_moving()
    {
        var (s, _) = await Configured();

        Assert.Equal(HttpStatusCode.OK, (await SendGitHub(s.ProjectId, "pull_request", PullRequest("opened", false, body: "", branch: "main"), Secret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendGitHub(s.ProjectId, "pull_request", PullRequest("closed", false, title: "WEB-10", body: "", branch: "main"), Secret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendGitHub(s.ProjectId, "pull_request", PullRequest("labeled", false), Secret)).StatusCode);

        var links = await Links(s.ProjectId);
        Assert.Equal(2, links.Count);
        Assert.Contains(links, l => l.GetProperty("taskKey").GetString() == "WEB-7" && l.GetProperty("state").GetString() == "open");
        Assert.Contains(links, l => l.GetProperty("taskKey").GetString() == "WEB-10" && l.GetProperty("state").GetString() == "closed");
        Assert.All(links, l => Assert.Equal(JsonValueKind.Null, l.GetProperty("moveToStatusId").ValueKind));
    }

    [Fact]
    public async Task A_push_reports_each_commit_for_the_keys_in_its_message_and_branch()
    {
        var (s, _) = await Configured();
        var payload = JsonSerializer.Serialize(new
        {
            @ref = "refs/heads/web-20-search",
            commits = new[]
            {
                new { id = "aaa111", message = "Fix WEB-21 and wEb-22\n\nLonger text", url = "https://github.com/acme/site/commit/aaa111" },
                new { id = "bbb222", message = "Refactor", url = "https://github.com/acme/site/commit/bbb222" },
            },
        });

        var response = await SendGitHub(s.ProjectId, "push", payload, Secret);

        Assert.Equal(4, (await Json(response)).GetProperty("reported").GetInt32());
        var links = await Links(s.ProjectId);
        Assert.Equal(["aaa111 WEB-20", "aaa111 WEB-21", "aaa111 WEB-22", "bbb222 WEB-20"],
            links.Select(l => $"{l.GetProperty("externalId").GetString()} {l.GetProperty("taskKey").GetString()}").Order().ToArray());
        Assert.All(links, l =>
        {
            Assert.Equal("commit", l.GetProperty("kind").GetString());
            Assert.Equal("committed", l.GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, l.GetProperty("moveToStatusId").ValueKind);
        });
        Assert.Contains(links, l => l.GetProperty("title").GetString() == "Fix WEB-21 and wEb-22");
    }

    [Fact]
    public async Task Missing_or_wrong_signatures_unknown_projects_and_bad_payloads_are_refused()
    {
        var (s, _) = await Configured();
        var payload = PullRequest("closed", merged: true);

        await AssertProblem(await SendGitHub(s.ProjectId, "pull_request", payload, secret: null), HttpStatusCode.Unauthorized, "invalid-signature");
        await AssertProblem(await SendGitHub(s.ProjectId, "pull_request", payload, "not the secret"), HttpStatusCode.Unauthorized, "invalid-signature");
        await AssertProblem(await SendGitHub(Guid.NewGuid(), "pull_request", payload, Secret), HttpStatusCode.NotFound, "integration-not-found");
        var malformed = await SendGitHub(s.ProjectId, "pull_request", """{"action":"closed"}""", Secret);
        await AssertValidation(malformed, "body");
        Assert.Empty(await Links(s.ProjectId));

        var ping = await SendGitHub(s.ProjectId, "ping", """{"zen":"Design for failure."}""", Secret);
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal("ping", (await Json(ping)).GetProperty("event").GetString());

        // Disabled: payloads are refused as if there were no integration.
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.PutAsJsonAsync($"/v1/projects/{s.ProjectId}/integrations/github", new { secret = Secret, enabled = false }, Ct)).StatusCode);
        await AssertProblem(await SendGitHub(s.ProjectId, "pull_request", payload, Secret), HttpStatusCode.NotFound, "integration-not-found");
    }
}

public sealed class SqliteGitHubTests(SqliteApp app) : GitHubTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresGitHubTests(PostgresApp app) : GitHubTests(app), IClassFixture<PostgresApp>;
