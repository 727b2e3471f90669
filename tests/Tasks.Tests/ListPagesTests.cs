using System.Net;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>
/// A list page is read in one statement and written as JSON by hand (docs/adr/0050): each of its items must be exactly
/// the bytes the serializer writes for the same task read by id, for every filter and sort, page after page.
/// </summary>
public abstract class ListPagesTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task Every_item_of_every_list_page_is_the_json_of_the_task_read_by_id()
    {
        var s = await WorkspaceWithProject();
        var member = await JoinWorkspace(s.Owner, s.WorkspaceId, "member");
        // Names whose order differs between ordinal and ignoring case, and text the encoder escapes.
        var labels = new[]
        {
            await CreateLabel(s.Owner, s.ProjectId, "beta"), await CreateLabel(s.Owner, s.ProjectId, "ärger", "#ABCDEF"),
            await CreateLabel(s.Owner, s.ProjectId, "<b>&é'\""), await CreateLabel(s.Owner, s.ProjectId, "Charlie"),
        };
        var cycle = await CreateCycle(s.Owner, s.ProjectId, "Sprint «1» & <2>");
        var parent = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Parent" }));
        var ids = new List<Guid> { parent };
        for (var i = 0; i < 7; i++)
        {
            ids.Add(Id(await CreateTask(s.Owner, s.ProjectId, new
            {
                title = $"Task {i} naïve <script> \"quoted\" 😀",
                description = i % 2 == 0 ? null : $"Line one\nline two\t{i} \u2028 & done",
                statusId = s.StatusIds[i % 2],
                priority = i % 3 == 0 ? "high" : "low",
                assigneeIds = i % 3 == 0 ? new[] { s.Owner.Id, member.Id } : i % 3 == 1 ? [member.Id] : Array.Empty<Guid>(),
                labelIds = labels.Take(i % 5).ToArray(),
                cycleId = i % 2 == 0 ? cycle : (Guid?)null,
                dueDate = i % 4 == 0 ? null : $"2026-0{1 + i % 3}-1{i}",
                startDate = i % 4 == 0 ? null : "2026-01-01",
                estimate = i % 3 == 0 ? 2.5 : i % 3 == 1 ? (double?)null : 8,
                parentId = i % 2 == 1 ? parent : (Guid?)null,
            })));
        }
        var byId = new Dictionary<Guid, string>();
        foreach (var id in ids) byId[id] = await s.Owner.Client.GetStringAsync($"/v1/tasks/{id}", Ct);

        var lists = new[]
        {
            $"status={s.StatusIds[0]}&sort=rank", $"status={s.StatusIds[1]}&sort=rank",
            $"assignee={member.Id}&priority=high&sort=dueDate", $"assignee={member.Id}&sort=dueDate", "assignee=me&sort=priority",
            "sort=created", "sort=key", "sort=updated", "sort=priority", "sort=dueDate",
            $"label={labels[1]}", $"cycle={cycle}&sort=key", $"parent={parent}", "category=todo", "dueBefore=2026-02-28", "dueAfter=2026-02-01&sort=dueDate",
        };
        foreach (var list in lists)
        {
            var seen = new List<Guid>();
            string? cursor = null;
            do
            {
                var page = JsonDocument.Parse(await s.Owner.Client.GetStringAsync(
                    $"/v1/projects/{s.ProjectId}/tasks?{list}&limit=3{(cursor is null ? "" : "&cursor=" + cursor)}", Ct)).RootElement;
                foreach (var item in page.GetProperty("data").EnumerateArray())
                {
                    Assert.Equal(byId[Id(item)], item.GetRawText());
                    seen.Add(Id(item));
                }
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);
            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.NotEmpty(seen);
        }
    }

    [Fact]
    public async Task A_board_column_is_in_rank_order_across_pages()
    {
        var s = await WorkspaceWithProject();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++) ids.Add(Id(await CreateTask(s.Owner, s.ProjectId, new { title = $"Card {i}", statusId = s.StatusIds[1] })));
        // The last one to the top: rank order is not creation order.
        var moved = await Send(s.Owner.Client, HttpMethod.Post, $"/v1/tasks/{ids[^1]}/move", new { statusId = s.StatusIds[1], before = ids[0] });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = JsonDocument.Parse(await s.Owner.Client.GetStringAsync(
                $"/v1/projects/{s.ProjectId}/tasks?status={s.StatusIds[1]}&sort=rank&limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", Ct)).RootElement;
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(Id));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal([ids[4], ids[0], ids[1], ids[2], ids[3]], seen);
    }
}

public sealed class SqliteListPagesTests(SqliteApp app) : ListPagesTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresListPagesTests(PostgresApp app) : ListPagesTests(app), IClassFixture<PostgresApp>;
