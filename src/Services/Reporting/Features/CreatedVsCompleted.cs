using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary><c>GET …/reports/created-vs-completed</c>: tasks created and completed per day.</summary>
internal static class CreatedVsCompleted
{
    public sealed record Day(DateOnly Date, int Created, int Completed);

    public sealed record Response(Guid ProjectId, string TimeZone, DateOnly From, DateOnly To, int Created, int Completed, IReadOnlyList<Day> Days);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder reports) =>
        reports.MapGet("/created-vs-completed", Handle).WithName("ReportCreatedVsCompleted").WithSummary("Created vs completed per day")
            .WithDescription("Per day from `from` to `to` (days in tz): live tasks created that day and tasks completed that day (last move into done, still done). Deleted tasks are left out of both. Filters apply to the state at creation and at completion.")
            .Produces<Response>();

    static async Task<IResult> Handle([AsParameters] ReportQuery query, ReportingDb db, HistoryCache histories, ReportCaller caller, ReportClock clock, CancellationToken ct)
    {
        var (input, problem) = await ReportInput.Load(db, histories, caller, clock, query, ct);
        return problem ?? TypedResults.Ok(Compute(caller.Project.Id, input!));
    }

    internal static Response Compute(Guid projectId, ReportInput input)
    {
        var range = input.Range;
        var days = range.Days().ToDictionary(d => d, _ => (Created: 0, Completed: 0));
        foreach (var task in input.History.Tasks.Where(t => !t.Current.Deleted))
        {
            if (range.Matches(task.States[0]) && days.TryGetValue(range.DayOf(task.CreatedAt), out var c))
                days[range.DayOf(task.CreatedAt)] = c with { Created = c.Created + 1 };
            if (task.CompletedAt is { } at && task.CompletedState is { } state && range.Matches(state) && days.TryGetValue(range.DayOf(at), out var d))
                days[range.DayOf(at)] = d with { Completed = d.Completed + 1 };
        }
        var list = days.OrderBy(d => d.Key).Select(d => new Day(d.Key, d.Value.Created, d.Value.Completed)).ToList();
        return new Response(projectId, range.Zone.Id, range.From, range.To, list.Sum(d => d.Created), list.Sum(d => d.Completed), list);
    }

    internal static ReportTable Table(Response r) => new("Created vs completed", ["date", "created", "completed"],
        [.. r.Days.Select(d => new object?[] { d.Date, d.Created, d.Completed })]);
}
