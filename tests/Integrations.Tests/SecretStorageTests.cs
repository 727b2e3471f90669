using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Tests;

/// <summary>
/// Webhook secrets, Slack URLs and GitHub secrets are encrypted at rest (checked with raw SQL against the real database),
/// shown only where the contract says (create and rotate), and still used for signing, delivery and verification.
/// </summary>
public abstract class SecretStorageTests(IntegrationsApp app) : IntegrationsTestBase(app)
{
    const string GitHubSecret = "a GitHub secret nobody may read";
    const string SlackToken = "xoxSlackTokenPart1234abcd";

    [Fact]
    public async Task Secrets_and_slack_urls_are_stored_encrypted_shown_only_once_and_still_work()
    {
        await using var receiver = await Receiver.Start();
        var s = await WorkspaceWithProject();
        var slackUrl = $"{receiver.BaseUrl}/services/T0001/B0002/{SlackToken}";
        var hooks = $"/v1/workspaces/{s.WorkspaceId}/webhooks";

        var (webhookId, firstSecret) = await CreateWebhook(s.Owner, s.WorkspaceId, receiver.Url, ["task.created"]);
        var rotated = await Json(await s.Owner.Client.PostAsync($"{hooks}/{webhookId}/rotate-secret", null, Ct));
        var secret = rotated.GetProperty("secret").GetString()!;
        var slackCreated = await s.Owner.Client.PostAsJsonAsync(hooks, new { url = slackUrl, eventKinds = new[] { "task.created" }, kind = "slack" }, Ct);
        Assert.Equal(HttpStatusCode.Created, slackCreated.StatusCode);
        var slack = await Json(slackCreated);
        var slackId = Id(slack.GetProperty("webhook"));
        var slackSecret = slack.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await s.Owner.Client.PutAsJsonAsync($"/v1/projects/{s.ProjectId}/integrations/github", new { secret = GitHubSecret }, Ct)).StatusCode);
        string[] secrets = [firstSecret, secret, slackSecret, SlackToken, slackUrl, GitHubSecret];

        // Responses: the Slack URL only masked (also in the create response); no secret in reads.
        var masked = $"{receiver.BaseUrl}/services/T…/…abcd";
        Assert.Equal(masked, slack.GetProperty("webhook").GetProperty("url").GetString());
        var list = await s.Owner.Client.GetStringAsync(hooks, Ct);
        var one = await s.Owner.Client.GetStringAsync($"{hooks}/{slackId}", Ct);
        var github = await s.Owner.Client.GetStringAsync($"/v1/projects/{s.ProjectId}/integrations/github", Ct);
        foreach (var text in new[] { list, one, github, await s.Owner.Client.GetStringAsync($"{hooks}/{webhookId}", Ct) })
            Assert.All(secrets, x => Assert.DoesNotContain(x, text, StringComparison.Ordinal));
        Assert.Contains(masked, one, StringComparison.Ordinal);

        // The database: no plain text anywhere in these tables, the plain-text column is empty, a key ring exists.
        await WithDb(async db =>
        {
            foreach (var table in new[] { "webhooks", "github_configs", "deliveries", "outbox_messages" })
                await RawSql.AssertNowhere(db, table, secrets, Ct);
            var rows = await RawSql.Rows(db, "webhooks", Ct);
            var stored = rows.Where(r => r["WorkspaceId"] is { } w && Guid.Parse(w) == s.WorkspaceId).ToList();
            Assert.Equal(2, stored.Count);
            Assert.All(stored, r => Assert.Null(r["Secret"]));
            Assert.All(stored, r => Assert.False(string.IsNullOrEmpty(r["SecretCipher"])));
            Assert.Single(stored, r => r["UrlCipher"] is { Length: > 0 });
            Assert.All(await RawSql.Rows(db, "github_configs", Ct), r => Assert.Null(r["Secret"]));
            Assert.NotEmpty(await RawSql.Rows(db, "data_protection_keys", Ct));
            return true;
        });

        // And they still work: signed with the current secret, the Slack message reaches the real URL, GitHub verifies.
        Assert.Equal(HttpStatusCode.Accepted, (await s.Owner.Client.PostAsync($"{hooks}/{webhookId}/test", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await s.Owner.Client.PostAsync($"{hooks}/{slackId}/test", null, Ct)).StatusCode);
        var requests = await receiver.WaitFor(2);
        AssertSigned(Assert.Single(requests, r => r.Path == "/hook"), secret);
        Assert.Single(requests, r => r.Path == $"/services/T0001/B0002/{SlackToken}");
        Assert.Equal(HttpStatusCode.OK, (await SendGitHub(s.ProjectId, "ping", """{"zen":"Encrypt at rest."}""", GitHubSecret)).StatusCode);
        await AssertProblem(await SendGitHub(s.ProjectId, "ping", """{"zen":"Encrypt at rest."}""", "wrong secret"), HttpStatusCode.Unauthorized, "invalid-signature");

        // Changing a Slack URL keeps it encrypted and masked.
        var changed = await Send(s.Owner.Client, HttpMethod.Patch, $"{hooks}/{slackId}", new { url = $"{receiver.BaseUrl}/services/T0009/B0009/zzzzOtherToken9876" });
        Assert.Equal($"{receiver.BaseUrl}/services/T…/…9876", (await Json(changed)).GetProperty("url").GetString());
        await WithDb(async db =>
        {
            await RawSql.AssertNowhere(db, "webhooks", ["zzzzOtherToken9876"], Ct);
            return true;
        });
    }

    [Fact]
    public void Masks_show_the_host_and_only_the_last_four_characters()
    {
        Assert.Equal("https://hooks.slack.com/services/T…/…abcd", UrlMask.Mask("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXabcd"));
        Assert.Equal("https://example.com/…", UrlMask.Mask("https://example.com/hook"));
        Assert.Equal("https://example.com/…", UrlMask.Mask("https://example.com"));
        var protection = App.Services.GetRequiredService<SecretProtection>();
        var hook = new Webhook { Kind = WebhookKinds.Webhook, Url = "", EventKinds = "task.created" };
        protection.SetSecret(hook, "whsec_1");
        Assert.Equal("whsec_1", protection.Secret(hook));
        // A cipher text of one kind is not accepted as another (one purpose per kind of secret).
        var config = new GitHubConfig { SecretCipher = hook.SecretCipher };
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protection.Secret(config));
    }
}

public sealed class SqliteSecretStorageTests(SqliteOpenApp app) : SecretStorageTests(app), IClassFixture<SqliteOpenApp>;

public sealed class PostgresSecretStorageTests(PostgresOpenApp app) : SecretStorageTests(app), IClassFixture<PostgresOpenApp>;
