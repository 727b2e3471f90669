using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Features;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>
/// A database from before the list-version slots (docs/adr/0045) upgrades in place: each project's version is the same
/// number after the migration as before it, so no page cached under an old version can be taken for a newer one, and the
/// next write raises it.
/// </summary>
public sealed class ListVersionUpgradeTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_list_versions_carry_over_the_upgrade()
    {
        var dir = TaskFlowApp.NewDataDir();
        Directory.CreateDirectory(dir);
        try
        {
            var options = new DbContextOptionsBuilder<SqliteTasksDb>()
                .UseSqlite($"Data Source={Path.Combine(dir, "tasks.db")};Pooling=False").AddInterceptors(ListVersions.Instance).Options;
            await Upgrade(() => new SqliteTasksDb(options));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_list_versions_carry_over_the_upgrade()
    {
        var prefix = TaskFlowApp.NewDatabasePrefix();
        var cs = new NpgsqlConnectionStringBuilder(TaskFlowApp.PostgresConnection) { Database = prefix + "_tasks" }.ConnectionString;
        try
        {
            var options = new DbContextOptionsBuilder<PostgresTasksDb>().UseNpgsql(cs).AddInterceptors(ListVersions.Instance).Options;
            await Upgrade(() => new PostgresTasksDb(options));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TaskFlowApp.DropDatabases(prefix);
        }
    }

    static async Task Upgrade(Func<TasksDb> open)
    {
        var projectId = Guid.NewGuid();
        await using (var db = open())
        {
            var migrations = db.Database.GetMigrations().ToList();
            var before = migrations[migrations.FindIndex(m => m.EndsWith("_ListVersionSlots", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before, cancellationToken: Ct);

            // A project whose version the previous release raised to 41 (written with that release's columns).
            var at = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
            var id = db.IsPostgres ? (object)projectId : projectId.ToString().ToUpperInvariant();
            var workspace = db.IsPostgres ? (object)Guid.NewGuid() : Guid.NewGuid().ToString().ToUpperInvariant();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO projects ("Id", "WorkspaceId", "Key", "Archived", "ArchiveChangedAt", "Private", "VisibilityChangedAt", "Deleted", "ListVersion")
                VALUES ({id}, {workspace}, {"OLD"}, {false}, {at}, {false}, {at}, {false}, {41L})
                """, Ct);
        }

        await using (var db = open())
        {
            await db.Database.MigrateAsync(Ct);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
            Assert.Equal(41, await TaskAccess.ReadListVersion(db, projectId, Ct));

            // The next write of the project raises its version from there.
            db.Statuses.Add(new WorkflowStatus { Id = Guid.NewGuid(), ProjectId = projectId, Name = "To do", Category = "todo", Position = 0, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
            Assert.Equal(42, await TaskAccess.ReadListVersion(db, projectId, Ct));
        }
    }
}
