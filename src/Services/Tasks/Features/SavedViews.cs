using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>A saved view of a project's tasks.</summary>
/// <param name="Id">View id.</param>
/// <param name="ProjectId">The project.</param>
/// <param name="OwnerId">Who saved it.</param>
/// <param name="Name">1–100 characters.</param>
/// <param name="Filters">The list's filters as for GET /v1/projects/{projectId}/tasks: status, category, assignee (id or me: each reader's own tasks), priority, label, cycle, dueBefore, dueAfter, parent, q.</param>
/// <param name="Sort">The list's sort.</param>
/// <param name="Layout">board or list.</param>
/// <param name="Shared">Shared views are seen by everyone who can read the project; private ones by their owner only.</param>
/// <param name="CreatedAt">When it was saved (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
internal sealed record ViewResponse(
    Guid Id, Guid ProjectId, Guid OwnerId, string Name, Dictionary<string, string> Filters, string Sort, string Layout, bool Shared,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static ViewResponse From(SavedView v) => new(
        v.Id, v.ProjectId, v.OwnerId, v.Name, JsonSerializer.Deserialize<Dictionary<string, string>>(v.Filters) ?? [], v.Sort, v.Layout,
        v.Shared, v.CreatedAt, v.UpdatedAt);
}

/// <summary>A new saved view.</summary>
/// <param name="Name">1–100 characters.</param>
/// <param name="Filters">An object of list filters, each a string: status, category, assignee (id or me), priority, label, cycle, dueBefore, dueAfter (yyyy-MM-dd), parent, q. Unknown names are refused.</param>
/// <param name="Sort">A list sort (default created); rank needs the status filter, relevance needs q.</param>
/// <param name="Layout">board or list (default list).</param>
/// <param name="Shared">Default false (private). Sharing needs the project role member or higher.</param>
internal sealed record ViewRequest(string? Name, JsonElement? Filters, string? Sort, string? Layout, bool? Shared);

internal static class SavedViews
{
    static readonly string[] Layouts = ["list", "board"];
    static readonly string[] Fields = ["name", "filters", "sort", "layout", "shared"];
    const string ViewItem = "TaskFlow.SavedView";

    public static void Map(RouteGroupBuilder project, IEndpointRouteBuilder app)
    {
        project.MapGet("/views", List)
            .WithTags("Views")
            .WithName("ListViews")
            .WithSummary("The project's saved views you can see")
            .WithDescription("Shared views and your own private ones, by name.");
        project.MapPost("/views", Create)
            .RequireProjectRole(ProjectRole.Reader)
            .WithTags("Views")
            .WithName("CreateView")
            .WithSummary("Save a view")
            .WithDescription("Anyone who can read the project saves private views; sharing one needs the project role member or higher (403 insufficient-role).");

        var view = TaskAccess.Guarded(app.MapGroup("/v1/views/{viewId:guid}"), async (http, db, ct) =>
        {
            var id = Guid.Parse(http.Request.RouteValues["viewId"]!.ToString()!);
            var userId = http.User.UserId();
            var saved = await db.SavedViews.SingleOrDefaultAsync(v => v.Id == id, ct);
            // Someone else's private view does not exist for the caller.
            if (saved is null || (!saved.Shared && saved.OwnerId != userId)) return (null, null, null, ViewNotFound(), null);
            http.Items[ViewItem] = saved;
            return (saved.ProjectId, null, null, ViewNotFound(), null);
        }).WithTags("Views");
        view.MapGet("", Get)
            .WithName("GetView")
            .WithSummary("Get a saved view");
        view.MapPatch("", Update)
            .Accepts<JsonElement>("application/json")
            .RequireProjectRole(ProjectRole.Reader)
            .WithName("UpdateView")
            .WithSummary("Change a saved view")
            .WithDescription("A merge patch of name, filters (replaced whole), sort, layout, shared. Only its owner, or a project admin for a shared view (403 not-your-view).");
        view.MapDelete("", Delete)
            .RequireProjectRole(ProjectRole.Reader)
            .WithName("DeleteView")
            .WithSummary("Delete a saved view")
            .WithDescription("Only its owner, or a project admin for a shared view (403 not-your-view).");
    }

    static ProblemHttpResult ViewNotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        type: "https://taskflow.dev/problems/view-not-found", title: "View not found.",
        detail: "No view exists at this address, or you cannot see it.");

    static ProblemHttpResult NotYourView() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
        type: "https://taskflow.dev/problems/not-your-view", title: "Not your view.",
        detail: "Only its owner changes a view; a project admin may also change or delete a shared one.");

    static async Task<Ok<List<ViewResponse>>> List(CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var (projectId, userId) = (access.ProjectId, access.UserId);
        var views = await db.SavedViews.AsNoTracking()
            .Where(v => v.ProjectId == projectId && (v.Shared || v.OwnerId == userId))
            .OrderBy(v => v.Name).ThenBy(v => v.Id)
            .ToListAsync(ct);
        return TypedResults.Ok(views.Select(ViewResponse.From).ToList());
    }

    static async Task<Results<Created<ViewResponse>, ValidationProblem, ProblemHttpResult>> Create(
        ViewRequest request, CurrentAccess access, TasksDb db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = ValidateName(request.Name, errors);
        var (filters, filter) = ValidateFilters(request.Filters, errors);
        var sort = errors.Keys.Any(k => k.StartsWith("filters", StringComparison.Ordinal)) ? request.Sort ?? "created" : ListQuery.ValidateSort(request.Sort, filter, errors);
        var layout = ValidateLayout(request.Layout, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var shared = request.Shared ?? false;
        if (shared && !access.Role.IsAtLeast(ProjectRole.Member)) return Problems.InsufficientRole("Sharing a view needs the project role member or higher.");

        var now = Clock.UtcNow();
        var view = new SavedView
        {
            Id = Guid.CreateVersion7(), ProjectId = access.ProjectId, OwnerId = access.UserId, Name = name!, Filters = filters,
            Sort = sort, Layout = layout, Shared = shared, CreatedAt = now, UpdatedAt = now,
        };
        db.SavedViews.Add(view);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/v1/views/{view.Id}", ViewResponse.From(view));
    }

    static Ok<ViewResponse> Get(HttpContext http) => TypedResults.Ok(ViewResponse.From((SavedView)http.Items[ViewItem]!));

    static async Task<Results<Ok<ViewResponse>, ValidationProblem, ProblemHttpResult>> Update(
        JsonElement body, CurrentAccess access, TasksDb db, HttpContext http, CancellationToken ct)
    {
        var view = (SavedView)http.Items[ViewItem]!;
        if (!MayChange(view, access)) return NotYourView();
        if (body.ValueKind != JsonValueKind.Object)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send a JSON object."] });

        var errors = new Dictionary<string, string[]>();
        foreach (var property in body.EnumerateObject())
            if (!Fields.Contains(property.Name)) errors[property.Name] = ["This field cannot be changed here."];
        string? name = view.Name, sort = view.Sort, layout = view.Layout, filters = view.Filters;
        var shared = view.Shared;
        if (body.TryGetProperty("name", out var v)) name = ValidateName(v.ValueKind == JsonValueKind.String ? v.GetString() : null, errors);
        ListTasks.Filter filter;
        if (body.TryGetProperty("filters", out v)) (filters, filter) = ValidateFilters(v, errors);
        else filter = ListQuery.Parse(JsonSerializer.Deserialize<Dictionary<string, string?>>(view.Filters) ?? [], access.UserId, errors, "filters.");
        if (body.TryGetProperty("sort", out v)) sort = v.ValueKind == JsonValueKind.String ? v.GetString() : "?";
        if (!errors.Keys.Any(k => k.StartsWith("filters", StringComparison.Ordinal))) sort = ListQuery.ValidateSort(sort, filter, errors);
        if (body.TryGetProperty("layout", out v)) layout = ValidateLayout(v.ValueKind == JsonValueKind.String ? v.GetString() : "?", errors);
        if (body.TryGetProperty("shared", out v))
        {
            if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) shared = v.GetBoolean();
            else errors["shared"] = ["shared must be true or false."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (shared && !view.Shared && !access.Role.IsAtLeast(ProjectRole.Member)) return Problems.InsufficientRole("Sharing a view needs the project role member or higher.");

        (view.Name, view.Filters, view.Sort, view.Layout, view.Shared) = (name!, filters!, sort!, layout!, shared);
        view.UpdatedAt = Clock.UtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ViewResponse.From(view));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(CurrentAccess access, TasksDb db, HttpContext http, CancellationToken ct)
    {
        var view = (SavedView)http.Items[ViewItem]!;
        if (!MayChange(view, access)) return NotYourView();
        db.SavedViews.Remove(view);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    static bool MayChange(SavedView view, CurrentAccess access) =>
        view.OwnerId == access.UserId || (view.Shared && access.Role == ProjectRole.Admin);

    static string? ValidateName(string? name, Dictionary<string, string[]> errors)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > SavedViewModel.NameMax) errors["name"] = [$"The name must be 1–{SavedViewModel.NameMax} characters."];
        return trimmed;
    }

    static string ValidateLayout(string? layout, Dictionary<string, string[]> errors)
    {
        layout ??= "list";
        if (!Layouts.Contains(layout)) errors["layout"] = ["The layout must be board or list."];
        return layout;
    }

    /// <summary>The filters as stored (a JSON object of strings) and as the list reads them.</summary>
    static (string Json, ListTasks.Filter Filter) ValidateFilters(JsonElement? filters, Dictionary<string, string[]> errors)
    {
        var values = new Dictionary<string, string?>();
        if (filters is { ValueKind: JsonValueKind.Object } f)
        {
            foreach (var property in f.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String) values[property.Name] = property.Value.GetString();
                else if (!ListQuery.FilterNames.Contains(property.Name)) errors["filters." + property.Name] = [$"Unknown filter. Filters: {string.Join(", ", ListQuery.FilterNames)}."];
                else errors["filters." + property.Name] = ["Filter values are strings."];
            }
        }
        else if (filters is { ValueKind: not JsonValueKind.Null })
        {
            errors["filters"] = ["filters must be an object."];
        }
        var filter = ListQuery.Parse(values, Guid.Empty, errors, "filters.");
        return (JsonSerializer.Serialize(values), filter);
    }
}
