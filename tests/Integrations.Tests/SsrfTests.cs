using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Tests;

/// <summary>With the default configuration no webhook may reach a private, loopback, link-local or otherwise non-public address.</summary>
public abstract class SsrfTests(IntegrationsApp app) : IntegrationsTestBase(app)
{
    public static readonly string[] Refused =
    [
        "http://127.0.0.1/hook", "http://127.1.2.3:8080/", "http://localhost/hook", "http://10.0.0.1/", "http://10.255.255.255/",
        "http://169.254.169.254/latest/meta-data/", "http://172.16.0.1/", "http://192.168.1.1/", "http://100.64.0.1/", "http://0.0.0.0/",
        "http://224.0.0.1/", "http://255.255.255.255/", "http://[::1]/hook", "http://[::]/", "http://[fe80::1]/", "http://[fd00::1]/",
        "http://[fc00::1]/", "http://[ff02::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/", "http://[::ffff:10.0.0.1]/",
        "http://[64:ff9b::a00:1]/", "http://2130706433/", "http://0x7f.1/",
        // IPv4-translated, IPv4-compatible, local-use NAT64, Teredo, 6to4 of loopback, discard, documentation.
        "http://[::ffff:0:127.0.0.1]/", "http://[::ffff:0:a00:1]/", "http://[::127.0.0.1]/", "http://[64:ff9b:1::7f00:1]/",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "http://[2002:7f00:1::1]/", "http://[100::1]/", "http://[3fff::1]/",
        "ftp://93.184.215.14/", "file:///etc/passwd", "gopher://93.184.215.14/", "/relative/hook", "not a url", "http://user:pass@93.184.215.14/",
    ];

    [Fact]
    public async Task Registration_refuses_non_public_addresses_and_non_http_urls()
    {
        Assert.False(App.AllowsPrivateNetworks);
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        foreach (var url in Refused)
        {
            var response = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/webhooks", new { url, eventKinds = new[] { "task.created" } }, Ct);
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{url}: {(int)response.StatusCode}");
            await AssertValidation(response, "url");
        }

        // A public address is accepted (inactive, so nothing is ever sent to it); changing it to a private one is refused.
        var created = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/webhooks", new { url = "https://93.184.215.14/hook", eventKinds = new[] { "task.created" }, active = false }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var v6 = await owner.Client.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/webhooks", new { url = "https://[2606:4700:4700::1111]/hook", eventKinds = new[] { "task.created" }, active = false }, Ct))
            Assert.Equal(HttpStatusCode.Created, v6.StatusCode);
        var id = Id((await Json(created)).GetProperty("webhook"));
        foreach (var url in new[] { "http://127.0.0.1/", "http://[::1]/", "http://169.254.169.254/", "http://10.1.2.3/" })
            await AssertValidation(await Send(owner.Client, HttpMethod.Patch, $"/v1/workspaces/{workspaceId}/webhooks/{id}", new { url }), "url");
    }

    [Fact]
    public async Task The_connect_time_check_refuses_a_webhook_whose_address_became_private()
    {
        await using var receiver = await Receiver.Start();
        var owner = await NewUser();
        var workspaceId = await CreateWorkspace(owner);
        // As if the host had resolved to a public address at registration and to 127.0.0.1 later (DNS rebinding).
        var webhookId = Guid.CreateVersion7();
        await WithDb(async db =>
        {
            db.Webhooks.Add(new Webhook
            {
                Id = webhookId, WorkspaceId = workspaceId, Url = receiver.Url, EventKinds = "task.created", Active = true,
                PlainSecret = "whsec_test", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync(Ct);
        });

        Assert.Equal(HttpStatusCode.Accepted, (await owner.Client.PostAsync($"/v1/workspaces/{workspaceId}/webhooks/{webhookId}/test", null, Ct)).StatusCode);

        var log = await WaitForDeliveries(owner, workspaceId, webhookId, l => l.Count == 1 && l[0].GetProperty("status").GetString() == "failed");
        Assert.Equal(3, log[0].GetProperty("attempts").GetInt32());
        Assert.Contains("non-public address", log[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }
}

public sealed class SqliteSsrfTests(SqliteApp app) : SsrfTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresSsrfTests(PostgresApp app) : SsrfTests(app), IClassFixture<PostgresApp>;
