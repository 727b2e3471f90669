using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskFlow.Tasks.Data;
using TaskFlow.Tasks.Contracts;

namespace TaskFlow.Tasks.Features;

/// <summary>
/// Publishes <see cref="TaskDueReminder"/> every <c>Tasks:ReminderInterval</c> (default 15 minutes): <c>due_soon</c> for
/// tasks due tomorrow (UTC), <c>overdue</c> for tasks whose due date has passed and whose status is not done or cancelled.
/// Each task × kind × due date is published once: the <c>task_reminders</c> row is written with the outbox message in
/// one transaction, and its primary key stops a second instance (or a second sweep) from publishing it again. Tasks of
/// archived or deleted projects are skipped.
/// </summary>
internal sealed class DueReminders(IServiceProvider services, IConfiguration configuration, ILogger<DueReminders> logger) : BackgroundService
{
    public const string DueSoon = "due_soon";
    public const string Overdue = "overdue";
    const int Batch = 100;

    TimeSpan Interval =>
        TimeSpan.TryParse(configuration["Tasks:ReminderInterval"], CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero
            ? interval
            : TimeSpan.FromMinutes(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Sweep(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "The due reminder sweep failed; retrying after the interval");
            }
            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal async Task Sweep(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var tomorrow = today.AddDays(1);
        await Send(DueSoon, db => db.Tasks.Where(t => t.DueSort == tomorrow), ct);
        await Send(Overdue, db => db.Tasks.Where(t => t.DueSort < today
            && !db.Statuses.Any(s => s.Id == t.StatusId && (s.Category == "done" || s.Category == "cancelled"))), ct);
    }

    async Task Send(string kind, Func<TasksDb, IQueryable<WorkItem>> due, CancellationToken ct)
    {
        var skip = new HashSet<Guid>();
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TasksDb>();
            var skipped = skip.ToArray();
            var batch = await due(db).AsNoTracking()
                .Where(t => !db.SentReminders.Any(r => r.TaskId == t.Id && r.Kind == kind && r.DueDate == t.DueSort))
                .Where(t => !skipped.Contains(t.Id))
                .Join(db.Projects.Where(p => !p.Deleted && !p.Archived), t => t.ProjectId, p => p.Id, (t, p) => new { Task = t, p.WorkspaceId })
                .OrderBy(x => x.Task.DueSort).ThenBy(x => x.Task.Id)
                .Take(Batch)
                .ToListAsync(ct);
            if (batch.Count == 0) return;
            var ids = batch.Select(x => x.Task.Id).ToArray();
            var assignees = await db.Assignees.AsNoTracking().Where(a => ids.Contains(a.TaskId)).ToListAsync(ct);
            var watchers = await db.Watchers.AsNoTracking().Where(w => ids.Contains(w.TaskId)).ToListAsync(ct);
            foreach (var (task, workspaceId) in batch.Select(x => (x.Task, x.WorkspaceId)))
            {
                db.ChangeTracker.Clear();
                var dueDate = task.DueDate!.Value;
                db.SentReminders.Add(new SentReminder { TaskId = task.Id, Kind = kind, DueDate = dueDate, SentAt = Clock.UtcNow() });
                db.Publish(new TaskDueReminder(task.Id, task.ProjectId, workspaceId, task.Key, task.Title, dueDate, kind,
                    [.. assignees.Where(a => a.TaskId == task.Id).Select(a => a.UserId).Order()],
                    [.. watchers.Where(w => w.TaskId == task.Id).Select(w => w.UserId).Order()]));
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Another instance sent it meanwhile (or the task was deleted): nothing to do for this task.
                    skip.Add(task.Id);
                }
            }
        }
    }
}
