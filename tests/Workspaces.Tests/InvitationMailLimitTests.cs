using System.Net;
using System.Net.Http.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Workspaces.Tests;

/// <summary>The host with low invitation mail limits: 4 per sender, 3 per address an hour.</summary>
public sealed class LimitedInvitationsApp() : WorkspacesApp(Provider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Workspaces:InvitationLimits:PerSenderPerHour", "4"), new("Workspaces:InvitationLimits:PerAddressPerHour", "3")];
}

/// <summary>One account cannot flood mailboxes with invitations (new or resent).</summary>
public sealed class InvitationMailLimitTests(LimitedInvitationsApp app) : WorkspacesTestBase(app), IClassFixture<LimitedInvitationsApp>
{
    [Fact]
    public async Task A_sender_gets_429_with_Retry_After_past_the_hourly_limit()
    {
        var owner = TestUser.New();
        var id = await CreateWorkspace(owner);
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Created, (await Client(owner).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = $"s{i}-{Guid.NewGuid():N}@example.com", role = "member" }, Ct)).StatusCode);
        var refused = await Client(owner).PostAsJsonAsync($"/v1/workspaces/{id}/invitations", new { email = $"s5-{Guid.NewGuid():N}@example.com", role = "member" }, Ct);
        await AssertProblem(refused, HttpStatusCode.TooManyRequests, "too-many-invitations");
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 3600);
    }

    [Fact]
    public async Task One_address_receives_at_most_the_limit_from_anyone_including_resends()
    {
        var target = $"target-{Guid.NewGuid():N}@example.com";
        var first = TestUser.New();
        var firstWorkspace = await CreateWorkspace(first);
        // A new invitation and a resend (the same address again) count alike.
        Assert.Equal(HttpStatusCode.Created, (await Client(first).PostAsJsonAsync($"/v1/workspaces/{firstWorkspace}/invitations", new { email = target, role = "member" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(first).PostAsJsonAsync($"/v1/workspaces/{firstWorkspace}/invitations", new { email = target, role = "member" }, Ct)).StatusCode);
        var second = TestUser.New();
        var secondWorkspace = await CreateWorkspace(second);
        Assert.Equal(HttpStatusCode.Created, (await Client(second).PostAsJsonAsync($"/v1/workspaces/{secondWorkspace}/invitations", new { email = target, role = "member" }, Ct)).StatusCode);

        var third = TestUser.New();
        var thirdWorkspace = await CreateWorkspace(third);
        await AssertProblem(await Client(third).PostAsJsonAsync($"/v1/workspaces/{thirdWorkspace}/invitations", new { email = target.ToUpperInvariant(), role = "member" }, Ct),
            HttpStatusCode.TooManyRequests, "too-many-invitations");
    }
}
