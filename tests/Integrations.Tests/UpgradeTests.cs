using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Tests;

/// <summary>The all-in-one host on existing data (a restart after an upgrade), trusting test tokens, deliveries to 127.0.0.1 allowed.</summary>
public sealed class ExistingDataApp(Provider provider, string dataDir, string databasePrefix) : TaskFlowApp(provider, dataDir, databasePrefix)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Integrations:AllowPrivateNetworks", "true"),
        new("Integrations:PollInterval", "00:00:00.100"),
        new("Integrations:RetryBaseDelay", "00:00:00.050"),
        new("Integrations:MaxAttempts", "3"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<ISigningKeySource>(new TestKeys(TestTokens.PublicKey)));
    }
}

/// <summary>
/// A database of the release before encryption (migration <c>Initial</c> only) with plain-text secrets written by raw
/// SQL, as that release wrote them: after the upgrade (migrations and the start-up step) the old secrets still sign and
/// verify, and the database no longer holds them in plain text.
/// </summary>
public abstract class UpgradeTests(Provider provider)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    const string OldSecret = "whsec_old_plain_text_secret";
    const string OldSlackToken = "OldSlackTokenWxyz9876";
    const string OldGitHubSecret = "old GitHub secret in plain text";

    [Fact]
    public async Task Plain_text_secrets_from_the_previous_release_are_encrypted_at_start_and_keep_working()
    {
        var dir = TaskFlowApp.NewDataDir();
        var prefix = TaskFlowApp.NewDatabasePrefix();
        Directory.CreateDirectory(dir);
        await using var receiver = await Receiver.Start();
        var owner = TestUser.New();
        var (workspaceId, projectId, webhookId, slackId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var slackUrl = $"{receiver.BaseUrl}/services/T0001/B0002/{OldSlackToken}";
        try
        {
            await using (var db = Open(dir, prefix))
            {
                var initial = db.Database.GetMigrations().Single(m => m.EndsWith("_Initial", StringComparison.Ordinal));
                await db.GetService<IMigrator>().MigrateAsync(initial, cancellationToken: Ct);
                var now = DateTime.UtcNow;
                await db.Database.ExecuteSqlAsync($"""INSERT INTO workspaces ("Id", "Deleted") VALUES ({workspaceId}, {false})""", Ct);
                await db.Database.ExecuteSqlAsync($"""INSERT INTO workspace_members ("WorkspaceId", "UserId", "Role", "Active", "UpdatedAt") VALUES ({workspaceId}, {owner.Id}, {"Owner"}, {true}, {now})""", Ct);
                await db.Database.ExecuteSqlAsync($"""INSERT INTO projects ("Id", "WorkspaceId", "Key", "Deleted") VALUES ({projectId}, {workspaceId}, {"OLD"}, {false})""", Ct);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO webhooks ("Id", "WorkspaceId", "Kind", "Url", "EventKinds", "Active", "Description", "Secret", "CreatedBy", "CreatedAt", "UpdatedAt")
                    VALUES ({webhookId}, {workspaceId}, {"webhook"}, {receiver.Url}, {"task.created"}, {true}, {null}, {OldSecret}, {owner.Id}, {now}, {now}),
                           ({slackId}, {workspaceId}, {"slack"}, {slackUrl}, {"task.created"}, {true}, {null}, {"whsec_slack_old"}, {owner.Id}, {now}, {now})
                    """, Ct);
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO github_configs ("ProjectId", "WorkspaceId", "Secret", "MoveToStatusIdOnMerge", "Enabled", "UpdatedAt")
                    VALUES ({projectId}, {workspaceId}, {OldGitHubSecret}, {null}, {true}, {now})
                    """, Ct);
            }

            await using (var app = new ExistingDataApp(provider, dir, prefix))
            {
                var client = app.Client(owner);
                var hooks = $"/v1/workspaces/{workspaceId}/webhooks";

                // The old secret still signs, the Slack URL still reaches its target, the GitHub secret still verifies.
                Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"{hooks}/{webhookId}/test", null, Ct)).StatusCode);
                Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"{hooks}/{slackId}/test", null, Ct)).StatusCode);
                var requests = await receiver.WaitFor(2);
                IntegrationsTestBase.AssertSigned(Assert.Single(requests, r => r.Path == "/hook"), OldSecret);
                Assert.Single(requests, r => r.Path == $"/services/T0001/B0002/{OldSlackToken}");
                Assert.Equal(HttpStatusCode.OK, (await GitHubPing(app, projectId, OldGitHubSecret)).StatusCode);
                Assert.Equal(HttpStatusCode.Unauthorized, (await GitHubPing(app, projectId, "not the old secret")).StatusCode);

                // The Slack URL is shown masked now.
                var slack = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"{hooks}/{slackId}", Ct);
                Assert.Equal($"{receiver.BaseUrl}/services/T…/…9876", slack.GetProperty("url").GetString());

                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<IntegrationsDb>();
                string[] secrets = [OldSecret, "whsec_slack_old", OldSlackToken, OldGitHubSecret];
                await RawSql.AssertNowhere(db, "webhooks", secrets, Ct);
                await RawSql.AssertNowhere(db, "github_configs", secrets, Ct);
                Assert.All(await RawSql.Rows(db, "webhooks", Ct), r => Assert.Null(r["Secret"]));
                Assert.All(await RawSql.Rows(db, "github_configs", Ct), r => Assert.Null(r["Secret"]));

                // The step is idempotent: run again, it finds nothing to convert.
                Assert.Equal((0, 0), await EncryptSecretsOnStart.Run(db, app.Services.GetRequiredService<SecretProtection>(), Ct));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            NpgsqlConnection.ClearAllPools();
            if (provider == Provider.Postgres) await TaskFlowApp.DropDatabases(prefix);
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    IntegrationsDb Open(string dir, string prefix) => provider == Provider.Sqlite
        ? new SqliteIntegrationsDb(new DbContextOptionsBuilder<SqliteIntegrationsDb>().UseSqlite($"Data Source={Path.Combine(dir, "integrations.db")};Pooling=False").Options)
        : new PostgresIntegrationsDb(new DbContextOptionsBuilder<PostgresIntegrationsDb>()
            .UseNpgsql(new NpgsqlConnectionStringBuilder(TaskFlowApp.PostgresConnection) { Database = prefix + "_integrations" }.ConnectionString).Options);

    static async Task<HttpResponseMessage> GitHubPing(TaskFlowApp app, Guid projectId, string secret)
    {
        const string payload = """{"zen":"Upgrade in place."}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/integrations/github/{projectId}") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-GitHub-Event", "ping");
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload))));
        return await app.CreateClient().SendAsync(request, Ct);
    }
}

public sealed class SqliteUpgradeTests() : UpgradeTests(Provider.Sqlite);

public sealed class PostgresUpgradeTests() : UpgradeTests(Provider.Postgres);
