using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Projects.Data;
using TaskFlow.Projects.Contracts;

namespace TaskFlow.Projects.Features;

internal static class DeleteLabel
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder project) =>
        project.MapDelete("/labels/{labelId:guid}", Handle)
            .RequireProjectRole(ProjectRole.Member)
            .WithName("DeleteLabel")
            .WithSummary("Delete a label")
            .WithDescription("Project members and admins.");

    static async Task<Results<NoContent, ProblemHttpResult>> Handle(Guid labelId, CurrentAccess access, ProjectsDb db, CancellationToken ct)
    {
        var label = await db.Labels.SingleOrDefaultAsync(l => l.ProjectId == access.ProjectId && l.Id == labelId, ct);
        if (label is null) return Problems.LabelNotFound();
        db.Labels.Remove(label);
        db.Publish(new LabelDeleted(label.Id, label.ProjectId));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
