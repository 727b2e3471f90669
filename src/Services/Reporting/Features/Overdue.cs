using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary><c>GET …/reports/overdue</c>: open tasks past their due date.</summary>
internal static class Overdue
{
    /// <summary><paramref name="DaysOverdue"/>: whole days from the due date to today (in tz).</summary>
    public sealed record Item(Guid TaskId, string Key, string Title, DateOnly DueDate, int DaysOverdue, string Category, Guid? StatusId, IReadOnlyList<Guid> AssigneeIds, double? Points);

    public sealed record Response(Guid ProjectId, DateOnly Today, string TimeZone, IReadOnlyList<Item> Tasks);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder reports) =>
        reports.MapGet("/overdue", Handle).WithName("ReportOverdue").WithSummary("Overdue tasks")
            .WithDescription("Live open tasks (not done or cancelled) whose due date is before today in tz, most overdue first. Filters cycleId, assigneeId, labelId apply to the current state.")
            .Produces<Response>();

    static async Task<IResult> Handle([AsParameters] ReportQuery query, ReportingDb db, HistoryCache histories, ReportCaller caller, ReportClock clock, CancellationToken ct)
    {
        var (input, problem) = await ReportInput.Load(db, histories, caller, clock, query, ct);
        return problem ?? TypedResults.Ok(Compute(caller.Project.Id, input!));
    }

    internal static Response Compute(Guid projectId, ReportInput input)
    {
        var range = input.Range;
        var items = input.History.Tasks
            .Where(t => t.Current is { Deleted: false, DueDate: { } due } s && due < range.Today && Categories.IsOpen(s.Category) && range.Matches(s))
            .Select(t => (t.TaskId, State: t.Current))
            .OrderBy(x => x.State.DueDate).ThenBy(x => x.State.Key, StringComparer.Ordinal)
            .Select(x => new Item(
                x.TaskId, x.State.Key, x.State.Title, x.State.DueDate!.Value,
                range.Today.DayNumber - x.State.DueDate!.Value.DayNumber, x.State.Category, x.State.StatusId, x.State.Assignees, x.State.Points))
            .ToList();
        return new Response(projectId, range.Today, range.Zone.Id, items);
    }

    internal static ReportTable Table(Response r) => new("Overdue", ["key", "title", "due_date", "days_overdue", "category", "assignee_ids", "points"],
        [.. r.Tasks.Select(t => new object?[] { t.Key, t.Title, t.DueDate, t.DaysOverdue, t.Category, string.Join(";", t.AssigneeIds), t.Points })]);
}
