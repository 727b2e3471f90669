using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Workspaces.Data;
using TaskFlow.Workspaces.Contracts;

namespace TaskFlow.Workspaces.Features;

internal static class CreateWorkspace
{
    /// <summary>A new workspace.</summary>
    /// <param name="Name">Display name, 1–100 characters.</param>
    internal sealed record Request(string? Name);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder workspaces) =>
        workspaces.MapPost("/", Handle)
            .WithName("CreateWorkspace")
            .WithSummary("Create a workspace")
            .WithDescription("The caller becomes its owner.");

    static async Task<Results<Created<WorkspaceSummary>, ValidationProblem>> Handle(
        Request request, ClaimsPrincipal user, WorkspacesDb db, CancellationToken ct)
    {
        if (WorkspaceNames.Validate(request.Name, out var name) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors);

        var now = Clock.UtcNow();
        var userId = user.UserId();
        var email = user.EmailOrEmpty();
        var workspace = new Workspace
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Slug = await FreeSlug(db, WorkspaceNames.Slugify(name), ct),
            CreatedAt = now,
            CreatedBy = userId,
            OwnersVersion = Guid.NewGuid(),
        };
        workspace.Members.Add(new Membership
        {
            UserId = userId,
            Email = email,
            NormalizedEmail = Claims.NormalizeEmail(email),
            DisplayName = user.DisplayName(),
            Role = WorkspaceRole.Owner,
            JoinedAt = now,
        });
        db.Workspaces.Add(workspace);
        db.Publish(new WorkspaceCreated(workspace.Id, workspace.Name, userId));
        db.Publish(new MemberAdded(workspace.Id, userId, WorkspaceRole.Owner.ToName()));
        await db.SaveChangesAsync(ct);

        return TypedResults.Created($"/v1/workspaces/{workspace.Id}",
            new WorkspaceSummary(workspace.Id, workspace.Name, workspace.Slug, WorkspaceRole.Owner.ToName(), workspace.CreatedAt));
    }

    /// <summary>The slug itself if free, else the slug with a short random suffix (the unique index settles any race).</summary>
    static async Task<string> FreeSlug(WorkspacesDb db, string slug, CancellationToken ct)
    {
        var candidate = slug;
        while (await db.Workspaces.AnyAsync(w => w.Slug == candidate, ct))
            candidate = $"{slug}-{Guid.NewGuid().ToString("N")[..6]}";
        return candidate;
    }
}
