using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

internal static class ExportTasks
{
    public static readonly string[] Columns = ["key", "title", "status", "priority", "assignees", "labels", "dueDate", "estimate", "createdAt", "updatedAt"];

    /// <summary>
    /// RFC 4180 (CRLF, quotes doubled), every field quoted; text cells are defused by <see cref="SpreadsheetText.Defuse"/> (CsvHelper's own
    /// escaping looks only at a cell's first character, and a line break inside a title let a formula start a line).
    /// </summary>
    internal static readonly CsvConfiguration Csv = new(CultureInfo.InvariantCulture)
    {
        NewLine = "\r\n",
        ShouldQuote = _ => true,
        InjectionOptions = InjectionOptions.None,
    };

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapGet("/tasks/export", Handle)
            .WithName("ExportTasks")
            .WithSummary("Export the project's tasks as CSV")
            .WithDescription("Takes the list's filters (status, category, assignee, priority, label, cycle, dueBefore, dueAfter, parent, q) and sort; every matching task, streamed as text/csv with a header row: key, title, status (name), priority, assignees (emails, ids for unknown users, separated by \"; \"), labels (names, separated by \"; \"), dueDate, estimate, createdAt, updatedAt (UTC). RFC 4180, every field quoted; a text cell starting with = + - @ (or tab/CR), and every line of a multi-line cell that does, is prefixed with ' so spreadsheets do not run it.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");

    sealed record Row(string Key, string Title, Guid StatusId, Priority Priority, List<Guid> Assignees, List<string> Labels, DateOnly? DueDate, double? Estimate, DateTime CreatedAt, DateTime UpdatedAt);

    static async Task<Results<PushStreamHttpResult, ValidationProblem>> Handle(string? sort, CurrentAccess access, TasksDb db, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var values = http.Request.Query.Where(p => p.Key != "sort").Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString()));
        var filter = ListQuery.Parse(values, access.UserId, errors);
        if (errors.Count == 0) sort = ListQuery.ValidateSort(sort, filter, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var project = access.Project;
        var statuses = await db.Statuses.AsNoTracking().Where(s => s.ProjectId == project.Id).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var emails = await db.Users.AsNoTracking()
            .Where(u => db.WorkspaceMembers.Any(m => m.WorkspaceId == project.WorkspaceId && m.UserId == u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.NormalizedEmail, ct);
        var rows = ListTasks.Query(db, project.Id, filter, sort!, null)
            .Select(t => new Row(t.Key, t.Title, t.StatusId, t.Priority, t.Assignees.Select(a => a.UserId).ToList(), t.Labels.Where(l => !l.Label!.Deleted).Select(l => l.Label!.Name).ToList(), t.DueDate, t.Estimate, t.CreatedAt, t.UpdatedAt));

        return TypedResults.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
            await using var csv = new CsvWriter(writer, Csv);
            foreach (var column in Columns) csv.WriteField(column);
            await csv.NextRecordAsync();
            await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                csv.WriteField(SpreadsheetText.Defuse(row.Key));
                csv.WriteField(SpreadsheetText.Defuse(row.Title));
                csv.WriteField(SpreadsheetText.Defuse(statuses.GetValueOrDefault(row.StatusId, row.StatusId.ToString())));
                csv.WriteField(row.Priority.ToName());
                csv.WriteField(SpreadsheetText.Defuse(string.Join("; ", row.Assignees.Order().Select(a => emails.GetValueOrDefault(a, a.ToString())))));
                csv.WriteField(SpreadsheetText.Defuse(string.Join("; ", row.Labels.Order(StringComparer.OrdinalIgnoreCase))));
                csv.WriteField(TaskFields.Text(row.DueDate) ?? "");
                csv.WriteField(TaskFields.Text(row.Estimate) ?? "");
                csv.WriteField(row.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                csv.WriteField(row.UpdatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                await csv.NextRecordAsync();
            }
        }, "text/csv; charset=utf-8", fileDownloadName: project.Key + "-tasks.csv");
    }
}
