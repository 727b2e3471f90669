using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;
using TaskFlow.TestKit;

namespace TaskFlow.Platform.Tests;

/// <summary>
/// A user's own data: the JSON export, and account deletion after which no service keeps a copy of the email or the name
/// (docs/adr/0030-personal-data.md). All-in-one on SQLite and on PostgreSQL; every service's database is read afterwards.
/// </summary>
public abstract partial class PersonalDataTests(TaskFlowApp app)
{
    readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [GeneratedRegex("token=([A-Za-z0-9_-]+)")]
    private static partial Regex TokenInLink();

    [Fact]
    public async Task A_deleted_account_leaves_no_copy_of_its_email_or_name_in_any_service()
    {
        var anonymous = app.CreateClient();
        var owner = await Accounts.Register(anonymous, displayName: "Olga Keeper");
        var name = $"Zed Erasable {Guid.NewGuid():N}"[..24];
        var user = await Accounts.Register(anonymous, email: $"zed-{Guid.NewGuid():N}@example.test", displayName: name);
        var ownerClient = app.Authorized(await Accounts.SignIn(anonymous, owner.Email, owner.Password));
        var userClient = app.Authorized(await Accounts.SignIn(anonymous, user.Email, user.Password));

        // The owner's workspace, project and task; the user joins it and comments, so the owner (a watcher) is notified by name.
        var workspaceId = await Id(ownerClient.PostAsJsonAsync("/v1/workspaces", new { name = "Keepers" }, ct));
        var projectId = await Id(ownerClient.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/projects", new { name = "Archive", key = "ARC" }, ct));
        // The tasks service takes tasks once it has applied ProjectCreated.
        Guid taskId;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(100, ct))
        {
            using var created = await ownerClient.PostAsJsonAsync($"/v1/projects/{projectId}/tasks", new { title = "Keep the records" }, ct);
            if (created.StatusCode == HttpStatusCode.Created)
            {
                taskId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"create task: {(int)created.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.Created, (await ownerClient.PostAsJsonAsync($"/v1/workspaces/{workspaceId}/invitations", new { email = user.Email, role = "member" }, ct)).StatusCode);
        var invitation = await app.WaitForMail(user.Email, m => (m.TextBody ?? "").Contains("/invitations/accept", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await userClient.PostAsJsonAsync("/v1/invitations/accept", new { token = TokenInLink().Match(invitation.TextBody!).Groups[1].Value }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await userClient.PostAsJsonAsync($"/v1/tasks/{taskId}/comments", new { body = "All filed." }, ct)).StatusCode);
        await app.WaitForMail(owner.Email, m => (m.Subject ?? "").Contains(name, StringComparison.Ordinal));
        // A workspace of the user's own, with nobody else in it.
        var soloId = await Id(userClient.PostAsJsonAsync("/v1/workspaces", new { name = "Solo" }, ct));
        Assert.NotEmpty(Copies(user.Email, name));

        // The export: an attachment with the profile and the sessions.
        using (var export = await userClient.GetAsync(new Uri("/v1/users/me/export", UriKind.Relative), ct))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            Assert.Equal("attachment", export.Content.Headers.ContentDisposition?.DispositionType);
            var data = await export.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal(user.Email, data.GetProperty("profile").GetProperty("email").GetString());
            Assert.Equal(name, data.GetProperty("profile").GetProperty("displayName").GetString());
            Assert.Contains(data.GetProperty("sessions").EnumerateArray(), s => s.GetProperty("active").GetBoolean());
        }

        // Deleting needs the password; the owner of a workspace with other members cannot go (409 last-owner).
        Assert.Equal(HttpStatusCode.BadRequest, (await Delete(userClient, "wrong-Password-1")).StatusCode);
        using (var ownerLeaving = await Delete(ownerClient, owner.Password))
        {
            Assert.Equal(HttpStatusCode.Conflict, ownerLeaving.StatusCode);
            var problem = await ownerLeaving.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal("https://taskflow.dev/problems/last-owner", problem.GetProperty("type").GetString());
            Assert.Equal(workspaceId, Assert.Single(problem.GetProperty("workspaces").EnumerateArray()).GetProperty("id").GetGuid());
        }
        Assert.Equal(HttpStatusCode.NoContent, (await Delete(userClient, user.Password)).StatusCode);

        // At once: the token stops, the account is gone, its own workspace too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await userClient.GetAsync(new Uri("/v1/users/me", UriKind.Relative), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/auth/login", new { email = user.Email, password = user.Password }, ct)).StatusCode);
        var members = await ownerClient.GetFromJsonAsync<JsonElement>($"/v1/workspaces/{workspaceId}/members", ct);
        Assert.DoesNotContain(members.EnumerateArray(), m => m.GetProperty("userId").GetGuid() == user.Id);

        // Every service's database, outboxes included: no row keeps the email or the name.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); Copies(user.Email, name) is { Count: > 0 } left; await Task.Delay(200, ct))
            Assert.True(DateTime.UtcNow < deadline, "Copies left:\n" + string.Join('\n', left));
        // What the user wrote stays, attributed to the id only.
        var comments = await ownerClient.GetFromJsonAsync<JsonElement>($"/v1/tasks/{taskId}/comments", ct);
        Assert.Contains("All filed.", comments.ToString(), StringComparison.Ordinal);
        _ = soloId;
    }

    async Task<HttpResponseMessage> Delete(HttpClient client, string password) =>
        await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/users/me") { Content = JsonContent.Create(new { password }) }, ct);

    async Task<Guid> Id(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
    }

    /// <summary>"database.table.column" (PostgreSQL: "database.table") of every value that contains the email or the name.</summary>
    List<string> Copies(string email, string name) => app is PostgresApp ? PostgresCopies(email, name) : SqliteCopies(email, name);

    List<string> PostgresCopies(string email, string name)
    {
        var found = new List<string>();
        var databases = new List<string>();
        using (var server = new NpgsqlConnection(TaskFlowApp.PostgresConnection))
        {
            server.Open();
            using var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @p", server);
            list.Parameters.AddWithValue("p", app.DatabasePrefix + "_%");
            using var reader = list.ExecuteReader();
            while (reader.Read()) databases.Add(reader.GetString(0));
        }
        Assert.NotEmpty(databases);
        foreach (var database in databases)
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TaskFlowApp.PostgresConnection) { Database = database, Pooling = false }.ConnectionString);
            connection.Open();
            var tables = new List<string>();
            using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection))
            using (var reader = list.ExecuteReader())
                while (reader.Read()) tables.Add(reader.GetString(0));
            foreach (var table in tables)
            {
                // The whole row as text: every column, whatever its type (text, jsonb, tsvector, ...).
                using var select = new NpgsqlCommand($"SELECT r::text FROM \"{table}\" r WHERE r::text ILIKE @email OR r::text LIKE @name", connection);
                select.Parameters.AddWithValue("email", $"%{email}%");
                select.Parameters.AddWithValue("name", $"%{name}%");
                using var rows = select.ExecuteReader();
                while (rows.Read()) found.Add($"{database}.{table}: {rows.GetString(0)[..Math.Min(rows.GetString(0).Length, 160)]}");
            }
        }
        return found;
    }

    /// <summary>"file.table.column" of every value in every SQLite database of the host that contains the email or the name.</summary>
    List<string> SqliteCopies(string email, string name)
    {
        var found = new List<string>();
        foreach (var file in Directory.GetFiles(app.DataDir, "*.db", SearchOption.AllDirectories))
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            var tables = new List<string>();
            using (var list = connection.CreateCommand())
            {
                list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
                using var reader = list.ExecuteReader();
                while (reader.Read()) tables.Add(reader.GetString(0));
            }
            foreach (var table in tables)
            {
                using var select = connection.CreateCommand();
                select.CommandText = $"SELECT * FROM \"{table}\"";
                using var rows = select.ExecuteReader();
                while (rows.Read())
                    for (var i = 0; i < rows.FieldCount; i++)
                        if (rows.GetValue(i) is string text
                            && (text.Contains(email, StringComparison.OrdinalIgnoreCase) || text.Contains(name, StringComparison.Ordinal)))
                            found.Add($"{Path.GetFileName(file)}.{table}.{rows.GetName(i)}: {text[..Math.Min(text.Length, 120)]}");
            }
        }
        return found;
    }
}

public sealed class SqlitePersonalDataTests(SqliteApp app) : PersonalDataTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresPersonalDataTests(PostgresApp app) : PersonalDataTests(app), IClassFixture<PostgresApp>;
