using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

/// <summary>A cycle (time-boxed iteration) of a project.</summary>
/// <param name="Id">Cycle id.</param>
/// <param name="Name">1–100 characters.</param>
/// <param name="StartDate">First day.</param>
/// <param name="EndDate">Last day, not before the start.</param>
internal sealed record CycleResponse(Guid Id, string Name, DateOnly StartDate, DateOnly EndDate)
{
    public static CycleResponse From(Cycle c) => new(c.Id, c.Name, c.StartDate, c.EndDate);
}
