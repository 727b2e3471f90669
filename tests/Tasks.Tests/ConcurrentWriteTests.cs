using System.Net;
using System.Net.Http.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Tasks.Tests;

/// <summary>Writers racing on the same task: every request either wins or gets a 409 problem, never a 500.</summary>
public abstract class ConcurrentWriteTests(TaskFlowApp app) : TasksTestBase(app)
{
    [Fact]
    public async Task Concurrent_moves_of_one_task_succeed_or_conflict_and_leave_one_consistent_task()
    {
        var s = await WorkspaceWithProject();
        var taskId = Id(await CreateTask(s.Owner, s.ProjectId, new { title = "Raced" }));
        var targets = s.StatusIds.Skip(1).Take(3).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            s.Owner.Client.PostAsJsonAsync($"/v1/tasks/{taskId}/move", new { statusId = targets[i % targets.Length] }, Ct)));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            await AssertProblem(conflict, HttpStatusCode.Conflict, "concurrent-change");

        var (task, etag) = await GetTask(s.Owner, taskId);
        var wins = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal($"\"{1 + wins}\"", etag);
        Assert.Contains(task.GetProperty("statusId").GetGuid(), targets);
    }
}

public sealed class SqliteConcurrentWriteTests(SqliteApp app) : ConcurrentWriteTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresConcurrentWriteTests(PostgresApp app) : ConcurrentWriteTests(app), IClassFixture<PostgresApp>;
