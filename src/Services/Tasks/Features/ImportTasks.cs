using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>One problem with one row of an imported file.</summary>
/// <param name="Row">The record's number in the file; the header is row 1.</param>
/// <param name="Field">The column: title, description, status, priority, dueDate, estimate or assignee.</param>
/// <param name="Message">What is wrong.</param>
internal sealed record ImportError(int Row, string Field, string Message);

/// <summary>What an import did.</summary>
/// <param name="Imported">Tasks created, keys in file order.</param>
/// <param name="Skipped">Invalid rows left out (only with skipInvalid=true).</param>
/// <param name="Errors">Every problem found, by row.</param>
/// <param name="Warnings">What a Trello or Jira import mapped or left out (a status taken by its category, an unknown label, a person who is
/// not a member and was left unassigned), once per name, at the first row that had it. Empty for CSV.</param>
internal sealed record ImportReport(int Imported, int Skipped, IReadOnlyList<ImportError> Errors, IReadOnlyList<ImportError> Warnings);

internal static class ImportTasks
{
    public const int MaxRows = 5_000;
    public const int MaxBytes = 5 * 1024 * 1024;

    /// <summary>Normalized header (lower case, no spaces, dashes or underscores) → the column it fills.</summary>
    static readonly Dictionary<string, string> Headers = new()
    {
        ["title"] = "title", ["description"] = "description", ["status"] = "status", ["priority"] = "priority",
        ["duedate"] = "dueDate", ["due"] = "dueDate", ["estimate"] = "estimate", ["assignee"] = "assignee", ["assignees"] = "assignee",
        ["label"] = "labels", ["labels"] = "labels",
    };

    /// <summary>Errors of the create path, by its field names, as the file's columns.</summary>
    static readonly Dictionary<string, string> CreateFields = new()
    {
        ["title"] = "title", ["description"] = "description", ["statusId"] = "status", ["priority"] = "priority",
        ["dueDate"] = "dueDate", ["estimate"] = "estimate", ["assigneeIds"] = "assignee", ["labelIds"] = "labels",
    };

    static readonly CsvConfiguration Csv = new(CultureInfo.InvariantCulture)
    {
        DetectDelimiter = false,
        MissingFieldFound = null,
        HeaderValidated = null,
    };

    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapPost("/tasks/import", Handle)
            .RequireProjectRole(ProjectRole.Member)
            .Accepts<string>("text/csv", "application/json", "multipart/form-data")
            .WithName("ImportTasks")
            .WithSummary("Import tasks from CSV, a Trello board or a Jira export")
            .WithDescription($"Project members and admins. Body: text/csv, or multipart/form-data with the file in field \"file\"; at most {MaxBytes / (1024 * 1024)} MiB (413) and {MaxRows} rows. Header row required: title (required), description, status (a status name of the project), priority (none, low, medium, high, urgent), dueDate (yyyy-MM-dd), estimate, assignee (emails of workspace members, separated by ; or ,), labels (label names of the project, separated by ; or ,); other columns (e.g. an export's key) are ignored. Each row is created as by POST /tasks (keys in file order, activity, TaskCreated). If any row is invalid nothing is imported (422 import-invalid with errors [{{row, field, message}}], the header being row 1), unless skipInvalid=true, which imports the valid rows and reports the others. format=trello takes a Trello board's JSON export (open cards; the list's name is the status, else the status of the category the name suggests; labels by name; members by email or by the name of a member's email, e.g. Ada Lovelace = ada.lovelace@…); format=jira a Jira CSV export (Summary, Description, Status, Priority, Assignee, Labels, Due date). What was mapped or left out (unknown labels, people who are not members: unassigned) is listed in warnings.")
            .Produces<ImportReport>();

    sealed record Line(int Row, string[] Values);

    static async Task<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>> Handle(
        bool? skipInvalid, string? format, CurrentAccess access, TasksDb db, HttpContext http, CancellationToken ct)
    {
        format = string.IsNullOrWhiteSpace(format) ? "csv" : format.Trim().ToLowerInvariant();
        if (format is not ("csv" or "trello" or "jira")) return FileProblem("format", "The format must be csv, trello or jira.");
        // JSON is a Trello board's export: as a body it needs format=trello.
        if (format != "trello" && MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var bodyType)
            && bodyType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, type: "https://taskflow.dev/problems/unsupported-media-type",
                title: "Send CSV.", detail: "A JSON body is a Trello board's export: send it with format=trello, or send text/csv.");
        var (text, problem) = await ReadBody(http.Request, ct);
        if (problem is not null) return problem;
        if (format != "csv") return await ImportForeign(format, text!, skipInvalid, access, db, ct);

        string[] header;
        var lines = new List<Line>();
        try
        {
            using var csv = new CsvReader(new StringReader(text!), Csv);
            if (!await csv.ReadAsync()) return FileProblem("header", "The file is empty: it needs a header row naming at least title.");
            header = [.. csv.Parser.Record!.Select(h => Headers.GetValueOrDefault(new string([.. h.Where(char.IsLetterOrDigit)]).ToLowerInvariant(), ""))];
            if (!header.Contains("title")) return FileProblem("header", "The header row must name a title column.");
            var row = 1;
            while (await csv.ReadAsync())
            {
                row++;
                if (lines.Count == MaxRows) return FileProblem("file", $"At most {MaxRows} rows can be imported at once.");
                var values = csv.Parser.Record!;
                if (values.All(string.IsNullOrWhiteSpace)) continue;
                lines.Add(new Line(row, values));
            }
        }
        catch (CsvHelperException e)
        {
            return FileProblem("file", $"Row {e.Context?.Parser?.Row.ToString(CultureInfo.InvariantCulture) ?? "?"} is not valid CSV.");
        }

        var project = access.Project;
        var statuses = await TaskFields.Statuses(db, project.Id, ct);
        if (statuses.Count == 0) return Problems.NoWorkflow();
        var emails = lines.SelectMany(l => Column(header, l, "assignee").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(e => e.ToLowerInvariant()).Distinct().ToArray();
        var users = await db.Users.AsNoTracking()
            .Where(u => emails.Contains(u.NormalizedEmail))
            .Where(u => db.WorkspaceMembers.Any(m => m.WorkspaceId == project.WorkspaceId && m.UserId == u.Id && m.Active))
            .ToDictionaryAsync(u => u.NormalizedEmail, u => u.Id, ct);

        var labels = await db.Labels.AsNoTracking().Where(l => l.ProjectId == project.Id && !l.Deleted).ToListAsync(ct);

        var errors = new List<ImportError>();
        int imported = 0, skipped = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var line in lines)
        {
            var rowErrors = new List<ImportError>();
            var request = ToRequest(header, line, statuses, users, labels, rowErrors);
            if (rowErrors.Count == 0)
            {
                switch ((await CreateTask.Handle(request, access, db, ct)).Result)
                {
                    case Created<TaskResponse>:
                        imported++;
                        break;
                    case ValidationProblem invalid:
                        rowErrors.AddRange(invalid.ProblemDetails.Errors.Select(e => new ImportError(line.Row, CreateFields.GetValueOrDefault(e.Key, e.Key), e.Value[0])));
                        break;
                    case ProblemHttpResult other:
                        return other;
                }
                // Each creation saved its own changes; keep the change tracker small over thousands of rows.
                db.ChangeTracker.Clear();
            }
            if (rowErrors.Count > 0)
            {
                skipped++;
                errors.AddRange(rowErrors);
            }
        }

        if (errors.Count > 0 && skipInvalid != true)
        {
            await transaction.RollbackAsync(ct);
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, type: "https://taskflow.dev/problems/import-invalid",
                title: "Some rows are not valid.", detail: $"{skipped} of {lines.Count} rows are not valid, so nothing was imported. Fix them, or pass skipInvalid=true to import the valid rows.",
                extensions: new Dictionary<string, object?> { ["errors"] = errors });
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new ImportReport(imported, skipped, errors, []));
    }

    /// <summary>A Trello board or Jira export: names are mapped leniently (see the endpoint's description), each row created as by POST /tasks.</summary>
    static async Task<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>> ImportForeign(
        string format, string text, bool? skipInvalid, CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        List<ImportFormats.SourceTask> source;
        try
        {
            source = format == "trello" ? ImportFormats.Trello(text) : ImportFormats.Jira(text);
        }
        catch (JsonException)
        {
            return FileProblem("file", "The file is not JSON: in Trello, open the board menu, then Print, export and share, then Export as JSON.");
        }
        catch (FormatException e)
        {
            return FileProblem("file", e.Message);
        }
        catch (ImportRowException e)
        {
            return FileProblem(e.Field, $"Row {e.Row.ToString(CultureInfo.InvariantCulture)}: {e.Message}");
        }
        catch (CsvHelperException e)
        {
            return FileProblem("file", $"Row {e.Context?.Parser?.Row.ToString(CultureInfo.InvariantCulture) ?? "?"} is not valid CSV.");
        }
        if (source.Count > MaxRows) return FileProblem("file", $"At most {MaxRows} rows can be imported at once.");

        var project = access.Project;
        var statuses = await TaskFields.Statuses(db, project.Id, ct);
        if (statuses.Count == 0) return Problems.NoWorkflow();
        var people = await db.Users.AsNoTracking()
            .Where(u => db.WorkspaceMembers.Any(m => m.WorkspaceId == project.WorkspaceId && m.UserId == u.Id && m.Active))
            .Select(u => new { u.Id, u.NormalizedEmail })
            .ToListAsync(ct);
        var labels = await db.Labels.AsNoTracking().Where(l => l.ProjectId == project.Id && !l.Deleted).ToListAsync(ct);

        var warnings = new List<ImportError>();
        var warned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Warn(int row, string field, string name, string message)
        {
            if (warned.Add(field + ":" + name)) warnings.Add(new ImportError(row, field, message));
        }

        Guid? Person(string name)
        {
            var email = name.Trim().ToLowerInvariant();
            if (people.FirstOrDefault(p => p.NormalizedEmail == email) is { } byEmail) return byEmail.Id;
            var squashed = ImportFormats.Squash(name);
            if (squashed.Length == 0) return null;
            var byName = people.Where(p => ImportFormats.Squash(p.NormalizedEmail.Split('@')[0]) == squashed).Take(2).ToList();
            return byName.Count == 1 ? byName[0].Id : null;
        }

        var errors = new List<ImportError>();
        int imported = 0, skipped = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var task in source)
        {
            Guid? statusId = null;
            if (task.Status is { Length: > 0 } statusName)
            {
                var status = statuses.FirstOrDefault(s => string.Equals(s.Name, statusName, StringComparison.OrdinalIgnoreCase));
                if (status is null)
                {
                    var category = ImportFormats.Category(statusName);
                    status = statuses.FirstOrDefault(s => s.Category == category) ?? statuses.FirstOrDefault(s => s.Category == "todo") ?? statuses[0];
                    Warn(task.Row, "status", statusName, $"\"{statusName}\" is not a status of this project: imported as {status.Name}.");
                }
                statusId = status.Id;
            }
            var assignees = new List<Guid>();
            foreach (var name in task.People)
            {
                if (Person(name) is { } id) { if (!assignees.Contains(id)) assignees.Add(id); }
                else Warn(task.Row, "assignee", name, $"{name} is not a member of this workspace: left unassigned.");
            }
            var labelIds = new List<Guid>();
            foreach (var name in task.Labels)
            {
                if (labels.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase)) is { } label) { if (!labelIds.Contains(label.Id)) labelIds.Add(label.Id); }
                else Warn(task.Row, "labels", name, $"No label named \"{name}\" in this project: left out (create it in the project's settings and import again).");
            }
            var priority = task.Priority is { } p && Priorities.TryParse(p, out _) ? p : null;
            if (task.Priority is { } unknown && priority is null) Warn(task.Row, "priority", unknown, $"\"{unknown}\" is not a priority TaskFlow has: imported as none.");
            var request = new CreateTask.Request(task.Title, task.Description, statusId, priority, [.. assignees], task.DueDate, null, null, null,
                labelIds.Count == 0 ? null : [.. labelIds], null);
            switch ((await CreateTask.Handle(request, access, db, ct)).Result)
            {
                case Created<TaskResponse>:
                    imported++;
                    break;
                case ValidationProblem invalid:
                    skipped++;
                    errors.AddRange(invalid.ProblemDetails.Errors.Select(e => new ImportError(task.Row, CreateFields.GetValueOrDefault(e.Key, e.Key), e.Value[0])));
                    break;
                case ProblemHttpResult other:
                    return other;
            }
            db.ChangeTracker.Clear();
        }

        if (errors.Count > 0 && skipInvalid != true)
        {
            await transaction.RollbackAsync(ct);
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, type: "https://taskflow.dev/problems/import-invalid",
                title: "Some rows are not valid.", detail: $"{skipped} of {source.Count} rows are not valid, so nothing was imported. Fix them, or pass skipInvalid=true to import the valid rows.",
                extensions: new Dictionary<string, object?> { ["errors"] = errors, ["warnings"] = warnings });
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new ImportReport(imported, skipped, errors, warnings));
    }

    static string Column(string[] header, Line line, string name)
    {
        var index = Array.IndexOf(header, name);
        return index >= 0 && index < line.Values.Length ? line.Values[index].Trim() : "";
    }

    static CreateTask.Request ToRequest(string[] header, Line line, List<WorkflowStatus> statuses, Dictionary<string, Guid> users, List<KnownLabel> labels, List<ImportError> errors)
    {
        string Value(string name) => Column(header, line, name);
        void Error(string field, string message) => errors.Add(new ImportError(line.Row, field, message));

        Guid? statusId = null;
        if (Value("status") is { Length: > 0 } statusName)
        {
            statusId = statuses.FirstOrDefault(s => string.Equals(s.Name, statusName, StringComparison.OrdinalIgnoreCase))?.Id;
            if (statusId is null) Error("status", $"No status named \"{statusName}\" in this project.");
        }
        DateOnly? due = null;
        if (Value("dueDate") is { Length: > 0 } dueText)
        {
            if (DateOnly.TryParseExact(dueText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) due = d;
            else Error("dueDate", "The due date must be a date like 2026-12-31.");
        }
        double? estimate = null;
        if (Value("estimate") is { Length: > 0 } estimateText)
        {
            if (double.TryParse(estimateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var e)) estimate = e;
            else Error("estimate", "The estimate must be a number.");
        }
        var assignees = new List<Guid>();
        foreach (var email in Value("assignee").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (users.TryGetValue(email.ToLowerInvariant(), out var id)) { if (!assignees.Contains(id)) assignees.Add(id); }
            else Error("assignee", $"{email} is not a member of the project's workspace.");
        }
        var labelIds = new List<Guid>();
        foreach (var name in Value("labels").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (labels.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase)) is { } label) { if (!labelIds.Contains(label.Id)) labelIds.Add(label.Id); }
            else Error("labels", $"No label named \"{name}\" in this project.");
        }
        var priority = Value("priority");
        var description = Value("description");
        return new CreateTask.Request(
            Value("title"), description.Length == 0 ? null : description, statusId, priority.Length == 0 ? null : priority.ToLowerInvariant(),
            [.. assignees], due, null, estimate, null, labelIds.Count == 0 ? null : [.. labelIds], null);
    }

    /// <summary>The file's text (text/csv body, or the "file" part of a form), at most <see cref="MaxBytes"/>.</summary>
    static async Task<(string? Text, ProblemHttpResult? Problem)> ReadBody(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes) return (null, TooLarge());
        Stream source;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file");
            if (file is null) return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, type: "https://taskflow.dev/problems/import-file-missing",
                title: "No file.", detail: "Send the CSV as the form field \"file\"."));
            if (file.Length > MaxBytes) return (null, TooLarge());
            source = file.OpenReadStream();
        }
        else if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && (type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)
            || type.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase) || type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            source = request.Body;
        }
        else
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, type: "https://taskflow.dev/problems/unsupported-media-type",
                title: "Send CSV or JSON.", detail: "The body must be text/csv (application/json for a Trello board), or multipart/form-data with the file in \"file\"."));
        }

        await using (source == request.Body ? null : source)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBytes) return (null, TooLarge());
                buffer.Write(chunk, 0, read);
            }
            buffer.Position = 0;
            using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return (await reader.ReadToEndAsync(ct), null);
        }
    }

    static ProblemHttpResult TooLarge() => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, type: "https://taskflow.dev/problems/import-too-large",
        title: "The file is too large.", detail: $"Import at most {MaxBytes / (1024 * 1024)} MiB and {MaxRows} rows at once.");

    static ValidationProblem FileProblem(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
