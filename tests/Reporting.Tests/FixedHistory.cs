using System.Globalization;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Projects.Contracts;
using TaskFlow.Tasks.Contracts;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Reporting.Tests;

/// <summary>
/// A fixed event history of one project, built from the producers' own event records (times in UTC). The expected
/// figures in <see cref="FixedHistoryTests"/> are computed by hand from this list, in Europe/Berlin, where summer time
/// starts on Sunday 2026-03-29 at 01:00 UTC (02:00 → 03:00 local).
/// <list type="bullet">
/// <item>Cycle "Sprint 1" 2026-03-23 … 2026-04-03; label "bug".</item>
/// <item>A (WEB-1, 3 pts, cycle, Ada): created todo 03-23 08:00, in progress 03-24 08:00, done 03-26 08:00.</item>
/// <item>B (WEB-2, 5 pts, cycle, Bo): created todo 03-23 09:00, in progress 03-24 09:00, done 03-25 09:00, moved back
/// to in progress 03-27 09:00, done again 03-30 09:00.</item>
/// <item>C (WEB-3, 2 pts, cycle): created todo 03-23 10:00, deleted 03-25 10:00.</item>
/// <item>D (WEB-4, 1 pt): created in progress 03-28 22:30 (Berlin 23:30 on the 28th), done 03-29 22:30 (Berlin 00:30
/// on the 30th, already summer time; UTC: still the 29th) — that move is an event from before the report facts (no
/// category: the workflow copy gives it).</item>
/// <item>E (WEB-5, 8 pts, cycle, Ada, due 03-31): created todo 03-28 23:30 (Berlin 00:30 on the 29th; UTC the 28th).</item>
/// <item>F (WEB-6, label bug): created in backlog 03-24 08:00 without points; 03-27 08:00 planned into the cycle with
/// 2 pts; cancelled 03-31 08:00.</item>
/// </list>
/// "Now" is 2026-04-02 10:00 UTC (Berlin 12:00, Thursday 2 April).
/// </summary>
internal sealed class FixedHistory
{
    public static readonly DateTime Now = At("2026-04-02T10:00");

    public Guid WorkspaceId { get; } = Guid.NewGuid();
    public Guid ProjectId { get; } = Guid.NewGuid();
    public TestUser Owner { get; } = TestUser.New("Olivia Owner");
    public TestUser Member { get; } = TestUser.New("Mo Member");
    public TestUser Outsider { get; } = TestUser.New("Otto Outsider");
    public Guid Ada { get; } = Guid.NewGuid();
    public Guid Bo { get; } = Guid.NewGuid();
    public Guid Backlog { get; } = Guid.NewGuid();
    public Guid Todo { get; } = Guid.NewGuid();
    public Guid Doing { get; } = Guid.NewGuid();
    public Guid Done { get; } = Guid.NewGuid();
    public Guid Cancelled { get; } = Guid.NewGuid();
    public Guid CycleId { get; } = Guid.NewGuid();
    public Guid LabelId { get; } = Guid.NewGuid();
    public Guid A { get; } = Guid.NewGuid();
    public Guid B { get; } = Guid.NewGuid();
    public Guid C { get; } = Guid.NewGuid();
    public Guid D { get; } = Guid.NewGuid();
    public Guid E { get; } = Guid.NewGuid();
    public Guid F { get; } = Guid.NewGuid();

    public static DateTime At(string utc) => DateTime.SpecifyKind(DateTime.Parse(utc, CultureInfo.InvariantCulture), DateTimeKind.Utc);

    static T When<T>(T e, string utc) where T : IntegrationEvent => e with { OccurredAt = At(utc), EventId = Guid.CreateVersion7() };

    /// <summary>The workspace, its members and the project (for the access copy).</summary>
    public List<IntegrationEvent> Setup() =>
    [
        When(new WorkspaceCreated(WorkspaceId, "Acme", Owner.Id), "2026-03-01T00:00"),
        When(new MemberAdded(WorkspaceId, Member.Id, "member"), "2026-03-01T00:01"),
        When(new ProjectCreated(ProjectId, WorkspaceId, "WEB", "Website", "workspace"), "2026-03-01T00:02"),
    ];

    /// <summary>The project's workflow, cycle, label and tasks: what the reports are built from.</summary>
    public List<IntegrationEvent> Events()
    {
        var events = new List<IntegrationEvent>
        {
            When(new WorkflowChanged(ProjectId, [
                new(Backlog, "Backlog", "backlog", 0), new(Todo, "Todo", "todo", 1), new(Doing, "Doing", "in_progress", 2),
                new(Done, "Done", "done", 3), new(Cancelled, "Cancelled", "cancelled", 4)]), "2026-03-01T00:03"),
            When(new CycleCreated(CycleId, ProjectId, "Sprint 1", new DateOnly(2026, 3, 23), new DateOnly(2026, 4, 3)), "2026-03-01T00:04"),
            When(new LabelCreated(LabelId, ProjectId, "bug", "#D1242F"), "2026-03-01T00:05"),
        };
        void Created(Guid task, string key, string utc, Guid status, string category, double? points, Guid? cycle, Guid[] assignees, DateOnly? due = null, Guid[]? labels = null) =>
            events.Add(When(new TaskCreated(task, ProjectId, WorkspaceId, key, key + " title", Owner.Id, status, "none", due, assignees, [],
                new TaskReportFacts(category, points, cycle, labels ?? [], assignees, due)), utc));
        void Moved(Guid task, string key, string utc, Guid from, Guid to, string category, double? points, Guid? cycle, Guid[] assignees, Guid[]? labels = null) =>
            events.Add(When(new TaskMoved(task, ProjectId, from, to, "m", Owner.Id, WorkspaceId, key, key + " title", [],
                new TaskReportFacts(category, points, cycle, labels ?? [], assignees, null)), utc));

        Created(A, "WEB-1", "2026-03-23T08:00", Todo, "todo", 3, CycleId, [Ada]);
        Moved(A, "WEB-1", "2026-03-24T08:00", Todo, Doing, "in_progress", 3, CycleId, [Ada]);
        Moved(A, "WEB-1", "2026-03-26T08:00", Doing, Done, "done", 3, CycleId, [Ada]);

        Created(B, "WEB-2", "2026-03-23T09:00", Todo, "todo", 5, CycleId, [Bo]);
        Moved(B, "WEB-2", "2026-03-24T09:00", Todo, Doing, "in_progress", 5, CycleId, [Bo]);
        Moved(B, "WEB-2", "2026-03-25T09:00", Doing, Done, "done", 5, CycleId, [Bo]);
        Moved(B, "WEB-2", "2026-03-27T09:00", Done, Doing, "in_progress", 5, CycleId, [Bo]);
        Moved(B, "WEB-2", "2026-03-30T09:00", Doing, Done, "done", 5, CycleId, [Bo]);

        Created(C, "WEB-3", "2026-03-23T10:00", Todo, "todo", 2, CycleId, []);
        events.Add(When(new TaskDeleted(C, ProjectId, WorkspaceId, "WEB-3", Owner.Id), "2026-03-25T10:00"));

        Created(D, "WEB-4", "2026-03-28T22:30", Doing, "in_progress", 1, null, []);
        // An event from before the report facts: no category, points or cycle in it.
        events.Add(When(new TaskMoved(D, ProjectId, Doing, Done, "m", Owner.Id, WorkspaceId, "WEB-4", "WEB-4 title", []), "2026-03-29T22:30"));

        Created(E, "WEB-5", "2026-03-28T23:30", Todo, "todo", 8, CycleId, [Ada], due: new DateOnly(2026, 3, 31));

        Created(F, "WEB-6", "2026-03-24T08:00", Backlog, "backlog", null, null, [], labels: [LabelId]);
        events.Add(When(new TaskUpdated(F, ProjectId, ["cycleId", "estimate"], Owner.Id, WorkspaceId, "WEB-6", "WEB-6 title", Backlog, null, [], [],
            new TaskReportFacts("backlog", 2, CycleId, [LabelId], [], null)), "2026-03-27T08:00"));
        Moved(F, "WEB-6", "2026-03-31T08:00", Backlog, Cancelled, "cancelled", 2, CycleId, [], [LabelId]);
        return events;
    }
}
