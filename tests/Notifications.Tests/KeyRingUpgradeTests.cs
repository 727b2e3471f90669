using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using TaskFlow.Notifications.Data;
using TaskFlow.Notifications.Features;
using TaskFlow.TestKit;

namespace TaskFlow.Notifications.Tests;

/// <summary>
/// The key ring moved from a hand-written repository to the EF Core Data Protection package, on the same table: an
/// unsubscribe link made before the upgrade (its key written to <c>data_protection_keys</c> as the old repository wrote
/// it) still works after it.
/// </summary>
public abstract class KeyRingUpgradeTests(Provider provider)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The previous release's key storage: rows of (FriendlyName, Xml); here collected in memory first.</summary>
    sealed class MemoryRepository : IXmlRepository
    {
        public List<(XElement Element, string Name)> Stored { get; } = [];

        public IReadOnlyCollection<XElement> GetAllElements() => [.. Stored.Select(s => s.Element)];

        public void StoreElement(XElement element, string friendlyName) => Stored.Add((element, friendlyName));
    }

    [Fact]
    public async Task An_unsubscribe_link_made_before_the_upgrade_still_works_after_it()
    {
        var dir = TaskFlowApp.NewDataDir();
        var prefix = TaskFlowApp.NewDatabasePrefix();
        Directory.CreateDirectory(dir);
        try
        {
            // A token as the previous release made it: same application name and purpose, key in its own repository.
            var repository = new MemoryRepository();
            var old = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(dir, "unused-keys")),
                dp => dp.SetApplicationName("TaskFlow.Notifications").AddKeyManagementOptions(o => o.XmlRepository = repository));
            var token = new UnsubscribeTokens(old).Create(Guid.NewGuid(), NotificationKinds.TaskAssigned);
            var (key, name) = Assert.Single(repository.Stored);

            await using (var db = Open(dir, prefix))
            {
                // The release before this change: every migration up to DigestSchedule; its key row written with raw SQL.
                var previous = db.Database.GetMigrations().Single(m => m.EndsWith("_DigestSchedule", StringComparison.Ordinal));
                await db.GetService<IMigrator>().MigrateAsync(previous, cancellationToken: Ct);
                await db.Database.ExecuteSqlAsync($"""INSERT INTO data_protection_keys ("FriendlyName", "Xml") VALUES ({name}, {key.ToString(SaveOptions.DisableFormatting)})""", Ct);
            }

            await using (var app = new TaskFlowApp(provider, dir, prefix))
            {
                var client = app.CreateClient();
                var response = await client.GetAsync(new Uri($"/v1/notifications/unsubscribe?token={token}", UriKind.Relative), Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);

                var tampered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
                Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(new Uri($"/v1/notifications/unsubscribe?token={tampered}", UriKind.Relative), Ct)).StatusCode);
                Assert.Equal(1, await app.Query(d => d.DataProtectionKeys.CountAsync(Ct)));
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

    NotificationsDb Open(string dir, string prefix) => provider == Provider.Sqlite
        ? new SqliteNotificationsDb(new DbContextOptionsBuilder<SqliteNotificationsDb>().UseSqlite($"Data Source={Path.Combine(dir, "notifications.db")};Pooling=False").Options)
        : new PostgresNotificationsDb(new DbContextOptionsBuilder<PostgresNotificationsDb>()
            .UseNpgsql(new NpgsqlConnectionStringBuilder(TaskFlowApp.PostgresConnection) { Database = prefix + "_notifications" }.ConnectionString).Options);
}

public sealed class SqliteKeyRingUpgradeTests() : KeyRingUpgradeTests(Provider.Sqlite);

public sealed class PostgresKeyRingUpgradeTests() : KeyRingUpgradeTests(Provider.Postgres);
