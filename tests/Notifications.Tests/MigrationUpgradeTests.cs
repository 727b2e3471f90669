using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using TaskFlow.Notifications.Data;
using TaskFlow.TestKit;

namespace TaskFlow.Notifications.Tests;

/// <summary>A database made by the first release (migration <c>Initial</c> only) upgrades in place and keeps its emails.</summary>
public sealed class MigrationUpgradeTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_database_at_Initial_upgrades_and_keeps_its_rows()
    {
        var dir = TaskFlowApp.NewDataDir();
        Directory.CreateDirectory(dir);
        try
        {
            var options = new DbContextOptionsBuilder<SqliteNotificationsDb>().UseSqlite($"Data Source={Path.Combine(dir, "notifications.db")};Pooling=False").Options;
            await Upgrade(() => new SqliteNotificationsDb(options));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_database_at_Initial_upgrades_and_keeps_its_rows()
    {
        var prefix = TaskFlowApp.NewDatabasePrefix();
        var cs = new NpgsqlConnectionStringBuilder(TaskFlowApp.PostgresConnection) { Database = prefix + "_notifications" }.ConnectionString;
        try
        {
            var options = new DbContextOptionsBuilder<PostgresNotificationsDb>().UseNpgsql(cs).Options;
            await Upgrade(() => new PostgresNotificationsDb(options));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TaskFlowApp.DropDatabases(prefix);
        }
    }

    static async Task Upgrade(Func<NotificationsDb> open)
    {
        var id = Guid.NewGuid();
        await using (var db = open())
        {
            var migrator = db.GetService<IMigrator>();
            var initial = db.Database.GetMigrations().Single(m => m.EndsWith("_Initial", StringComparison.Ordinal));
            await migrator.MigrateAsync(initial, cancellationToken: Ct);
            Assert.Equal([initial], await db.Database.GetAppliedMigrationsAsync(Ct));

            // Written with the first release's columns (today's model has more, so not through EF).
            var now = DateTime.UtcNow;
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO outgoing_emails ("Id", "MessageKey", "To", "Subject", "Text", "Html", "Status", "Attempts", "NextAttemptAt", "CreatedAt", "SentAt")
                VALUES ({id}, {"welcome:" + id}, {"old@example.test"}, {"Welcome to TaskFlow"}, {"Hi"}, {null}, {"Sent"}, {1}, {now}, {now}, {now})
                """, Ct);
        }

        await using (var db = open())
        {
            Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync(Ct));
            await db.Database.MigrateAsync(Ct);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));

            var row = await db.OutgoingEmails.AsNoTracking().SingleAsync(e => e.Id == id, Ct);
            Assert.Equal($"welcome:{id}", row.MessageKey);
            Assert.Equal("old@example.test", row.To);
            Assert.Equal(EmailStatus.Sent, row.Status);
            Assert.Null(row.ListUnsubscribe);

            // The new tables work on the upgraded database.
            db.Notifications.Add(new InAppNotification { DedupKey = "upgrade", RecipientId = id, Kind = "task_assigned", Title = "t", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
            Assert.Equal(1, await db.Notifications.CountAsync(n => n.RecipientId == id, Ct));
        }
    }
}
