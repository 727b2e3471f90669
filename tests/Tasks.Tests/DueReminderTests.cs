using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>The app with the due reminder sweep every 200 ms.</summary>
public sealed class SqliteReminderApp() : TaskFlowApp(Provider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Tasks:ReminderInterval", "00:00:00.200")];
}

/// <summary>The app with the due reminder sweep every 200 ms, on PostgreSQL.</summary>
public sealed class PostgresReminderApp() : TaskFlowApp(Provider.Postgres)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Tasks:ReminderInterval", "00:00:00.200")];
}

/// <summary>TaskDueReminder: due_soon (due tomorrow) and overdue (past due, not done/cancelled), once per task × kind × due date.</summary>
public abstract class DueReminderTests(TaskFlowApp app) : TasksTestBase(app)
{
    static string Day(int offset) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    async Task<List<JsonElement>> Reminders(Guid taskId) =>
        [.. (await Outbox("TaskDueReminder")).Where(e => e.GetProperty("taskId").GetGuid() == taskId)];

    [Fact]
    public async Task Reminders_are_published_once_per_task_kind_and_due_date()
    {
        var s = await WorkspaceWithProject();
        var ada = await ProjectMember(s, "member");
        var statuses = await s.Owner.Client.GetFromJsonAsync<JsonElement>($"/v1/projects/{s.ProjectId}/statuses", Ct);
        var done = statuses.EnumerateArray().First(x => x.GetProperty("category").GetString() == "done").GetProperty("id").GetGuid();

        var soon = await CreateTask(s.Owner, s.ProjectId, new { title = "Due tomorrow", dueDate = Day(1), assigneeIds = new[] { ada.Id } });
        var late = await CreateTask(s.Owner, s.ProjectId, new { title = "Was due yesterday", dueDate = Day(-1) });
        var finished = await CreateTask(s.Owner, s.ProjectId, new { title = "Done late", dueDate = Day(-1), statusId = done });
        var later = await CreateTask(s.Owner, s.ProjectId, new { title = "Due next week", dueDate = Day(7) });

        await WaitUntil(async _ => (await Reminders(Id(soon))).Count > 0 && (await Reminders(Id(late))).Count > 0, "the first reminders");
        // A task created after those were sent is only reminded of by a later sweep: once it is, the earlier tasks have
        // been swept again, and must not have been reminded twice.
        var marker = await CreateTask(s.Owner, s.ProjectId, new { title = "Marker", dueDate = Day(1) });
        await WaitUntil(async _ => (await Reminders(Id(marker))).Count > 0, "the marker's reminder");

        var reminder = Assert.Single(await Reminders(Id(soon)));
        Assert.Equal("due_soon", reminder.GetProperty("kind").GetString());
        Assert.Equal(Day(1), reminder.GetProperty("dueDate").GetString());
        Assert.Equal((s.ProjectId, s.WorkspaceId, "WEB-1", "Due tomorrow"), (reminder.GetProperty("projectId").GetGuid(), reminder.GetProperty("workspaceId").GetGuid(), reminder.GetProperty("key").GetString(), reminder.GetProperty("title").GetString()));
        Assert.Equal([ada.Id], Ids(reminder, "assigneeIds"));
        Assert.Equal(new[] { s.Owner.Id, ada.Id }.Order(), Ids(reminder, "watcherIds"));
        Assert.Equal("overdue", Assert.Single(await Reminders(Id(late))).GetProperty("kind").GetString());
        Assert.Empty(await Reminders(Id(finished)));
        Assert.Empty(await Reminders(Id(later)));

        // A new due date is a new reminder.
        var (_, etag) = await GetTask(s.Owner, Id(soon));
        await Patch(s.Owner, Id(soon), new { dueDate = Day(-2) }, etag);
        await WaitUntil(async _ => (await Reminders(Id(soon))).Count == 2, "the overdue reminder");
        Assert.Equal(["due_soon", "overdue"], (await Reminders(Id(soon))).Select(r => r.GetProperty("kind").GetString()).Order());
    }
}

public sealed class SqliteDueReminderTests(SqliteReminderApp app) : DueReminderTests(app), IClassFixture<SqliteReminderApp>;

public sealed class PostgresDueReminderTests(PostgresReminderApp app) : DueReminderTests(app), IClassFixture<PostgresReminderApp>;
