using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Realtime.Data;

namespace TaskFlow.Realtime.Tests;

public abstract partial class RealtimeTests
{
    [Fact]
    public async Task A_member_the_access_copy_has_not_heard_of_yet_joins_at_once_because_the_workspaces_service_is_asked()
    {
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        var member = await JoinWorkspace(owner, workspaceId, "member");
        var projectId = await CreateProject(owner, workspaceId);
        await using var client = HubClient.WebSocket(app.Server, member.Token);
        await client.Start();
        // Once the copy has the project and the membership, the copy alone admits the member.
        await client.JoinWhenAllowed(projectId);
        await client.Connection.InvokeAsync("LeaveProject", projectId, Ct);

        // The copy lags behind the workspaces service (MemberAdded not applied yet): its membership row is not there.
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RealtimeDb>();
            Assert.Equal(1, await db.WorkspaceMembers.Where(m => m.WorkspaceId == workspaceId && m.UserId == member.Id).ExecuteDeleteAsync(Ct));
        }

        // Read-your-writes: the first JoinProject succeeds, no retry, and events follow.
        await client.Connection.InvokeAsync("JoinProject", projectId, Ct);
        var taskId = await CreateTask(owner, projectId);
        await client.WaitForEvent("TaskCreated", taskId);

        // Someone the workspaces service does not know as a member is still refused.
        var outsider = await NewUser();
        await using var outsiderClient = HubClient.WebSocket(app.Server, outsider.Token);
        await outsiderClient.Start();
        var refused = await Assert.ThrowsAsync<HubException>(() => outsiderClient.Connection.InvokeAsync("JoinProject", projectId, Ct));
        Assert.Contains("not found", refused.Message, StringComparison.Ordinal);
    }
}
