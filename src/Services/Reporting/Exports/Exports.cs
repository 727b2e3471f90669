using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MiniExcel = MiniExcelLibs.MiniExcel;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Reporting.Contracts;
using TaskFlow.Reporting.Data;
using TaskFlow.Reporting.Features;

namespace TaskFlow.Reporting.Exports;

/// <summary>
/// <c>POST /v1/projects/{projectId}/reports/exports</c> (202 with the job), <c>GET …/exports/{id}</c> (state and
/// percent), <c>GET …/exports/{id}/file</c> (the CSV or XLSX until it expires). Only the requester sees a job.
/// </summary>
internal static class ExportEndpoints
{
    public static readonly string[] Reports = ["summary", "cumulative-flow", "throughput", "cycle-time", "workload", "overdue", "created-vs-completed", "burndown", "tasks", "status"];
    public static readonly string[] Formats = ["csv", "xlsx", "pdf"];

    /// <summary>
    /// What to export: a report (<see cref="Reports"/>; <c>tasks</c>: the project's task list), a format (csv or xlsx)
    /// and the report's filters (burndown needs cycleId). The task list takes statusId, assigneeId, labelId, cycleId and
    /// the due range dueFrom … dueTo (days, inclusive).
    /// </summary>
    public sealed record Request(
        [property: Required] string Report, [property: Required] string Format, string? Tz = null, DateOnly? From = null, DateOnly? To = null,
        Guid? CycleId = null, Guid? AssigneeId = null, Guid? LabelId = null, Guid? StatusId = null, DateOnly? DueFrom = null, DateOnly? DueTo = null);

    /// <summary>
    /// An export job: <paramref name="State"/> queued, running, ready, failed or expired; <paramref name="Progress"/> 0–100;
    /// <paramref name="FileUrl"/> once ready, until <paramref name="ExpiresAt"/>.
    /// </summary>
    public sealed record Job(
        Guid Id, string Report, string Format, string State, int Progress, DateTime CreatedAt, DateTime? CompletedAt, DateTime? ExpiresAt,
        string? FileName, string? FileUrl, string? Error);

    internal static void Map(RouteGroupBuilder reports)
    {
        reports.MapPost("/exports", Start).WithName("StartReportExport").WithSummary("Export a report as CSV or XLSX (background job)")
            .WithDescription("Starts a background export of one report with its filters; answers 202 with the job (Location: the job). Poll the job for its progress; when ready, download the file from fileUrl until expiresAt. The requester also gets a \"report ready\" notification.");
        reports.MapGet("/exports/{exportId:guid}", Get).WithName("GetReportExport").WithSummary("An export job's state and progress");
        reports.MapGet("/exports/{exportId:guid}/file", Download).WithName("DownloadReportExport").WithSummary("Download an export's file")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").Produces(StatusCodes.Status410Gone).Produces(StatusCodes.Status409Conflict);
    }

    static async Task<Results<Accepted<Job>, ValidationProblem>> Start(Request request, ReportingDb db, ReportCaller caller, ReportClock clock, ExportSignal signal, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var report = request.Report?.Trim().ToLowerInvariant() ?? "";
        var format = request.Format?.Trim().ToLowerInvariant() ?? "";
        if (!Reports.Contains(report)) errors["report"] = [$"Choose one of: {string.Join(", ", Reports)}."];
        if (!Formats.Contains(format)) errors["format"] = ["Choose csv, xlsx or pdf."];
        else if (format == "pdf" && report != "status") errors["format"] = ["PDF is made for the project status report (report: status)."];
        else if (report == "status" && format != "pdf") errors["format"] = ["The project status report is a PDF (format: pdf)."];
        if (report == "burndown" && request.CycleId is null) errors["cycleId"] = ["A burndown export needs the cycle."];
        var query = new ReportQuery { Tz = request.Tz, From = request.From, To = request.To, CycleId = request.CycleId, AssigneeId = request.AssigneeId, LabelId = request.LabelId };
        var (_, queryErrors) = query.Resolve(clock.UtcNow, caller.WeekStart);
        foreach (var (key, value) in queryErrors) errors[key] = value;
        if (request.DueFrom > request.DueTo) errors["dueFrom"] = ["The first due day must not be after the last (dueTo)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var stored = report == "tasks"
            ? JsonSerializer.Serialize(new TaskListQuery
            {
                Tz = request.Tz, StatusId = request.StatusId, AssigneeId = request.AssigneeId, LabelId = request.LabelId, CycleId = request.CycleId,
                DueFrom = request.DueFrom, DueTo = request.DueTo,
            }, EventEnvelope.Json)
            : JsonSerializer.Serialize(query, EventEnvelope.Json);

        var job = new ExportJob
        {
            Id = Guid.CreateVersion7(), ProjectId = caller.Project.Id, WorkspaceId = caller.Project.WorkspaceId, RequestedBy = caller.UserId,
            Report = report, Format = format, Query = stored, State = "queued",
            CreatedAt = DateTime.UtcNow,
        };
        db.ExportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        signal.Poke();
        return TypedResults.Accepted($"/v1/projects/{job.ProjectId}/reports/exports/{job.Id}", From(job, DateTime.UtcNow));
    }

    static async Task<Results<Ok<Job>, ProblemHttpResult>> Get(Guid exportId, ReportingDb db, ReportCaller caller, CancellationToken ct)
    {
        var job = await db.ExportJobs.AsNoTracking()
            .Where(j => j.Id == exportId && j.ProjectId == caller.Project.Id && j.RequestedBy == caller.UserId)
            .Select(j => new ExportJob
            {
                Id = j.Id, ProjectId = j.ProjectId, WorkspaceId = j.WorkspaceId, RequestedBy = j.RequestedBy, Report = j.Report, Format = j.Format,
                Query = "", State = j.State, Progress = j.Progress, FileName = j.FileName, Error = j.Error, CreatedAt = j.CreatedAt,
                CompletedAt = j.CompletedAt, ExpiresAt = j.ExpiresAt,
            })
            .SingleOrDefaultAsync(ct);
        return job is null ? Problems.ExportNotFound() : TypedResults.Ok(From(job, DateTime.UtcNow));
    }

    static async Task<IResult> Download(Guid exportId, ReportingDb db, ReportCaller caller, CancellationToken ct)
    {
        var job = await db.ExportJobs.AsNoTracking()
            .SingleOrDefaultAsync(j => j.Id == exportId && j.ProjectId == caller.Project.Id && j.RequestedBy == caller.UserId, ct);
        if (job is null) return Problems.ExportNotFound();
        if (job.ExpiresAt is { } expires && expires <= DateTime.UtcNow) return Problems.ExportExpired();
        if (job.State != "ready" || job.Content is null) return Problems.ExportNotReady();
        return TypedResults.File(job.Content, ExportFiles.ContentType(job.Format), job.FileName);
    }

    internal static Job From(ExportJob j, DateTime now)
    {
        var expired = j.ExpiresAt is { } e && e <= now;
        return new Job(j.Id, j.Report, j.Format, expired ? "expired" : j.State, j.Progress, j.CreatedAt, j.CompletedAt, j.ExpiresAt, j.FileName,
            j.State == "ready" && !expired ? $"/v1/projects/{j.ProjectId}/reports/exports/{j.Id}/file" : null, j.Error);
    }
}

/// <summary>Wakes the export worker when a job is queued (it also polls, for jobs queued by another instance).</summary>
internal sealed class ExportSignal
{
    readonly SemaphoreSlim signal = new(0);

    public void Poke()
    {
        if (signal.CurrentCount == 0) signal.Release();
    }

    public Task Wait(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);
}

/// <summary>
/// Makes the queued exports one at a time: claims a job (an update that only one instance wins), computes the report
/// from the history as the JSON endpoint does, writes the file, and in one transaction stores it and publishes
/// <see cref="ReportReady"/>. Files are dropped once expired (<c>Reporting:Exports:Lifetime</c>, default 24 hours).
/// </summary>
internal sealed class ExportWorker(IServiceProvider services, ExportSignal signal, IConfiguration configuration, ILogger<ExportWorker> logger) : BackgroundService
{
    TimeSpan Lifetime => configuration.GetValue<TimeSpan?>("Reporting:Exports:Lifetime") ?? TimeSpan.FromHours(24);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOne(stoppingToken)) { }
                await DropExpired(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "The export worker failed; trying again");
            }
            try
            {
                await signal.Wait(TimeSpan.FromSeconds(2), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    async Task<bool> RunOne(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportingDb>();
        var candidate = await db.ExportJobs.AsNoTracking().Where(j => j.State == "queued").OrderBy(j => j.CreatedAt).Select(j => j.Id).FirstOrDefaultAsync(ct);
        if (candidate == Guid.Empty) return false;
        var claimed = await db.ExportJobs.Where(j => j.Id == candidate && j.State == "queued")
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, "running").SetProperty(j => j.Progress, 10), ct);
        if (claimed == 0) return true;
        var job = await db.ExportJobs.SingleAsync(j => j.Id == candidate, ct);
        try
        {
            var clock = scope.ServiceProvider.GetRequiredService<ReportClock>();
            var query = JsonSerializer.Deserialize<ReportQuery>(job.Query, EventEnvelope.Json) ?? new ReportQuery();
            var workspace = await db.Workspaces.AsNoTracking().SingleOrDefaultAsync(w => w.Id == job.WorkspaceId, ct);
            var history = await ProjectHistory.Load(db, job.ProjectId, ct);
            await Progress(db, job, 40, ct);
            if (job.Report == "status")
            {
                var (range, rangeErrors) = query.Resolve(clock.UtcNow, (DayOfWeek)(workspace?.WeekStart ?? 1));
                if (range is null) throw new ExportFiles.NotFound(string.Join(" ", rangeErrors.Values.SelectMany(v => v)));
                var project = await db.Projects.AsNoTracking().SingleAsync(p => p.Id == job.ProjectId, ct);
                var input = new ReportInput(history, range);
                var throughputInput = new ReportInput(history, range with { From = range.WeekOf(range.Today.AddDays(-7 * 7)) });
                PdfReport.UseFonts(configuration["Reporting:Pdf:FontDirectory"] ?? Path.Combine(AppContext.BaseDirectory, "Fonts"));
                await Progress(db, job, 60, ct);
                var pdf = PdfReport.Write(new PdfReport.Content(
                    project.Name, project.Key, range.Today, range.Zone.Id, Summary.Compute(job.ProjectId, input),
                    Throughput.Compute(job.ProjectId, throughputInput), CumulativeFlow.Compute(job.ProjectId, input), Overdue.Compute(job.ProjectId, input)));
                await Finish(db, job, pdf, ct);
                return true;
            }
            var table = job.Report == "tasks"
                ? TaskList.Table(history, JsonSerializer.Deserialize<TaskListQuery>(job.Query, EventEnvelope.Json) ?? new TaskListQuery(),
                    await db.Users.AsNoTracking().Where(u => !u.Deleted && u.DisplayName != "").ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct))
                : ExportFiles.Compute(job, history, query, clock.UtcNow, (DayOfWeek)(workspace?.WeekStart ?? 1));
            await Progress(db, job, 70, ct);
            await Finish(db, job, ExportFiles.Write(table, job.Format), ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Export {JobId} failed", job.Id);
            db.ChangeTracker.Clear();
            await db.ExportJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, "failed").SetProperty(j => j.Error, ex is ExportFiles.NotFound nf ? nf.Message : "The export could not be made.")
                .SetProperty(j => j.CompletedAt, DateTime.UtcNow), ct);
        }
        return true;
    }

    /// <summary>Stores the file and publishes <see cref="ReportReady"/> in one transaction.</summary>
    async Task Finish(ReportingDb db, ExportJob job, byte[] content, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        job.Content = content;
        job.FileName = $"{job.Report}-{now:yyyyMMdd-HHmmss}.{job.Format}";
        (job.State, job.Progress, job.CompletedAt, job.ExpiresAt) = ("ready", 100, now, now + Lifetime);
        var url = $"/v1/projects/{job.ProjectId}/reports/exports/{job.Id}/file";
        db.Publish(new ReportReady(job.Id, job.ProjectId, job.WorkspaceId, job.RequestedBy, job.Report, job.Format, job.FileName, url, job.ExpiresAt.Value));
        await db.SaveChangesAsync(ct);
    }

    static async Task Progress(ReportingDb db, ExportJob job, int percent, CancellationToken ct)
    {
        job.Progress = percent;
        await db.SaveChangesAsync(ct);
    }

    async Task DropExpired(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportingDb>();
        var now = DateTime.UtcNow;
        await db.ExportJobs.Where(j => j.ExpiresAt < now && j.Content != null).ExecuteUpdateAsync(s => s.SetProperty(j => j.Content, (byte[]?)null), ct);
    }
}

/// <summary>Report → table → CSV or XLSX bytes.</summary>
internal static class ExportFiles
{
    public sealed class NotFound(string message) : Exception(message);

    public static string ContentType(string format) => format switch
    {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf" => "application/pdf",
        _ => "text/csv",
    };

    public static ReportTable Compute(ExportJob job, ProjectHistory history, ReportQuery query, DateTime utcNow, DayOfWeek weekStart)
    {
        if (job.Report == "burndown")
        {
            var cycle = history.Cycles.FirstOrDefault(c => c.Id == query.CycleId && c.DeletedAt is null) ?? throw new NotFound("The cycle no longer exists.");
            query = query with { From = cycle.StartDate, To = cycle.EndDate };
            var (cycleRange, _) = query.Resolve(utcNow, weekStart);
            return Burndown.Table(Burndown.Compute(job.ProjectId, cycle, new ReportInput(history, cycleRange!)));
        }
        var (range, errors) = query.Resolve(utcNow, weekStart);
        if (range is null) throw new NotFound(string.Join(" ", errors.Values.SelectMany(v => v)));
        var input = new ReportInput(history, range);
        return job.Report switch
        {
            "summary" => Summary.Table(Summary.Compute(job.ProjectId, input)),
            "cumulative-flow" => CumulativeFlow.Table(CumulativeFlow.Compute(job.ProjectId, input)),
            "throughput" => Throughput.Table(Throughput.Compute(job.ProjectId, input)),
            "cycle-time" => CycleTime.Table(CycleTime.Compute(job.ProjectId, input)),
            "workload" => Workload.Table(Workload.Compute(job.ProjectId, input)),
            "overdue" => Overdue.Table(Overdue.Compute(job.ProjectId, input)),
            "created-vs-completed" => CreatedVsCompleted.Table(CreatedVsCompleted.Compute(job.ProjectId, input)),
            _ => throw new NotFound($"Unknown report {job.Report}."),
        };
    }

    public static byte[] Write(ReportTable table, string format) => format == "xlsx" ? Xlsx(table) : Csv(table);

    /// <summary>
    /// RFC 4180 CSV, every field quoted; text starting like a formula, and every line of a multi-line text that does, is
    /// prefixed with ' so spreadsheets show it as text (<see cref="SpreadsheetText.Defuse"/>, the tasks service's rule, issue 16).
    /// </summary>
    public static byte[] Csv(ReportTable table)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', table.Columns.Select(Field)).Append("\r\n");
        foreach (var row in table.Rows) text.AppendJoin(',', row.Select(Field)).Append("\r\n");
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
    }

    static string Field(object? value)
    {
        var text = Text(value);
        if (value is string) text = SpreadsheetText.Defuse(text);
        return "\"" + text.Replace("\"", "\"\"") + "\"";
    }

    static string Text(object? value) => value switch
    {
        null => "",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static byte[] Xlsx(ReportTable table)
    {
        var rows = table.Rows.Select(row =>
        {
            var record = new Dictionary<string, object?>();
            for (var i = 0; i < table.Columns.Length; i++)
                record[table.Columns[i]] = row[i] switch
                {
                    DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    DateTime t => t,
                    var other => other,
                };
            return record;
        }).ToList();
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, rows, sheetName: table.Name.Length > 31 ? table.Name[..31] : table.Name);
        return stream.ToArray();
    }
}
