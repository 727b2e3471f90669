using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MimeKit;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>Where the shared servers are: TASKFLOW_TEST_POSTGRES (Npgsql connection string), TASKFLOW_TEST_RABBITMQ (AMQP URI).</summary>
static class Servers
{
    public static string Postgres => TaskFlowApp.PostgresConnection;

    public static Uri RabbitMq => new(Environment.GetEnvironmentVariable("TASKFLOW_TEST_RABBITMQ") is { Length: > 0 } uri ? uri : "amqp://guest:guest@127.0.0.1:5672/");

    public static string NewDatabasePrefix() => "tfs_" + Guid.NewGuid().ToString("N")[..12];

    public static string NewDataDir() => Path.Combine(Path.GetTempPath(), "taskflow-scaled", Guid.NewGuid().ToString("N"));
}

/// <summary>
/// A RabbitMQ virtual host of its own for one test (created with <c>rabbitmqctl</c>, deleted on dispose),
/// so queues and messages left by other runs cannot interfere.
/// </summary>
sealed class RabbitVirtualHost : IAsyncDisposable
{
    RabbitVirtualHost(string name, Uri uri)
    {
        Name = name;
        Uri = uri;
    }

    public string Name { get; }

    /// <summary>AMQP URI for <c>Messaging:RabbitMQ</c>.</summary>
    public Uri Uri { get; }

    public static async Task<RabbitVirtualHost> Create()
    {
        var name = "tf_" + Guid.NewGuid().ToString("N")[..12];
        var user = Uri.UnescapeDataString(Servers.RabbitMq.UserInfo.Split(':')[0] is { Length: > 0 } u ? u : "guest");
        await RabbitMqCtl("add_vhost", name);
        await RabbitMqCtl("set_permissions", "-p", name, user, ".*", ".*", ".*");
        var uri = new UriBuilder(Servers.RabbitMq) { Path = "/" + Uri.EscapeDataString(name) }.Uri;
        return new RabbitVirtualHost(name, uri);
    }

    /// <summary>Messages ready or unacknowledged in <paramref name="queue"/> (0 if it does not exist yet).</summary>
    public async Task<int> MessagesIn(string queue)
    {
        var listing = await RabbitMqCtl("list_queues", "-p", Name, "--quiet", "--no-table-headers", "name", "messages");
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('\t', ' ');
            if (parts.Length >= 2 && parts[0] == queue) return int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture);
        }
        return 0;
    }

    /// <summary>Messages ready or unacknowledged per queue of this virtual host.</summary>
    public async Task<Dictionary<string, int>> Queues()
    {
        var listing = await RabbitMqCtl("list_queues", "-p", Name, "--quiet", "--no-table-headers", "name", "messages");
        var queues = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('\t', ' ');
            if (parts.Length >= 2 && int.TryParse(parts[^1], System.Globalization.CultureInfo.InvariantCulture, out var messages)) queues[parts[0]] = messages;
        }
        return queues;
    }

    /// <summary>Waits until <paramref name="queue"/> holds at least <paramref name="count"/> messages.</summary>
    public async Task WaitForMessages(string queue, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (await MessagesIn(queue) < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{queue} in {Name} did not reach {count} message(s).");
            await Task.Delay(200);
        }
    }

    static async Task<string> RabbitMqCtl(params string[] arguments)
    {
        var info = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("rabbitmqctl could not be started.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout} {await stderr}");
        return await stdout;
    }

    public async ValueTask DisposeAsync() => await RabbitMqCtl("delete_vhost", Name);
}

/// <summary>The processes of one test: stopped on dispose, their output written to the test output (shown when the test fails).</summary>
sealed class ProcessGroup : IAsyncDisposable
{
    readonly List<HostProcess> processes = [];

    public async Task<HostProcess> Start(string name, string services, IEnumerable<KeyValuePair<string, string?>> settings, int? port = null)
    {
        try
        {
            var process = await HostProcess.Start(name, services, settings, TestContext.Current.CancellationToken, port);
            processes.Add(process);
            return process;
        }
        catch (Exception ex)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(ex.Message);
            throw;
        }
    }

    /// <summary>
    /// Starts several processes side by side (each on its own port and database, so they can migrate at once) and waits
    /// until all are ready; a start that fails stops the others of the batch.
    /// </summary>
    public async Task<IReadOnlyList<HostProcess>> StartAll(params (string Name, string Services, IEnumerable<KeyValuePair<string, string?>> Settings)[] starts)
    {
        var tasks = starts.Select(s => HostProcess.Start(s.Name, s.Services, s.Settings, TestContext.Current.CancellationToken)).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception ex)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(ex.Message);
            foreach (var started in tasks.Where(t => t.IsCompletedSuccessfully)) processes.Add(started.Result);
            throw;
        }
        var all = tasks.Select(t => t.Result).ToList();
        processes.AddRange(all);
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(processes))
        {
            await process.DisposeAsync();
            TestContext.Current.TestOutputHelper?.WriteLine(Tail(process.Output, 200));
        }
    }

    static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return all.Length <= lines ? text : $"... ({all.Length - lines} lines left out)\n" + string.Join('\n', all[^lines..]);
    }
}

/// <summary>The identity contract (register, log in) as a client sees it.</summary>
static class Account
{
    public const string Password = "correct-horse-battery-staple-42";

    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";

    public static async Task Register(HttpClient client, string email, string displayName = "Scaled Tester")
    {
        var response = await client.PostAsJsonAsync("/v1/auth/register", new { email, password = Password, displayName }, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"register: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    public static async Task<HttpResponseMessage> LogIn(HttpClient client, string email) =>
        await client.PostAsJsonAsync("/v1/auth/login", new { email, password = Password }, TestContext.Current.CancellationToken);

    public static async Task<string> AccessToken(HttpClient client, string email)
    {
        var response = await LogIn(client, email);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"login: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("accessToken").GetString()!;
    }

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    /// <summary>The welcome email notifications sends for <c>UserRegistered</c> (not the verification email).</summary>
    public static bool IsWelcome(MimeMessage message) =>
        message.Subject is { } subject
        && subject.Contains("welcome", StringComparison.OrdinalIgnoreCase)
        && !subject.Contains("verify", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Stands in for the identity service's key endpoint: serves a JWKS with one ES256 key and signs access tokens with it,
/// so the gateway's token check can be exercised without the identity service.
/// </summary>
sealed class TestJwks : IDisposable
{
    readonly HttpListener listener = new();
    readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    readonly byte[] document;
    readonly Task serving;

    public TestJwks()
    {
        var port = HostProcess.FreePort();
        Url = $"http://127.0.0.1:{port}/.well-known/jwks.json";
        var parameters = key.ExportParameters(false);
        document = JsonSerializer.SerializeToUtf8Bytes(new
        {
            keys = new[]
            {
                new { kty = "EC", crv = "P-256", use = "sig", alg = "ES256", kid = KeyId, x = Base64UrlEncoder.Encode(parameters.Q.X), y = Base64UrlEncoder.Encode(parameters.Q.Y) },
            },
        });
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        serving = Serve();
    }

    public const string KeyId = "test-key";
    public string Url { get; }

    /// <summary>A token as identity would issue it (issuer <c>taskflow</c>, audience <c>taskflow-api</c>).</summary>
    public string Token(Guid userId, string email, ECDsa? signWith = null, string? role = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "taskflow",
            Audience = "taskflow-api",
            Expires = DateTime.UtcNow.AddMinutes(15),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = userId.ToString(),
                ["email"] = email,
                ["name"] = "Gateway Tester",
                ["email_verified"] = "true",
                ["jti"] = Guid.NewGuid().ToString("N"),
            }.Concat(role is null ? [] : [new KeyValuePair<string, object>("role", role)]).ToDictionary(),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(signWith ?? key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256),
        });

    async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (!listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            using var response = context.Response;
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(document);
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try
        {
            serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        key.Dispose();
    }
}

/// <summary>Requests to one process of a scaled-out test with a bearer token.</summary>
static class Calls
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<HttpStatusCode> Status(HostProcess process, string path, string token)
    {
        using var http = process.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = Account.Bearer(token);
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    public static async Task<JsonElement> Send(HostProcess process, HttpMethod method, string path, string token, object? body, HttpStatusCode expected)
    {
        using var http = process.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = Account.Bearer(token);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    /// <summary>No mail service runs here: the invitation's token is read from the workspaces outbox.</summary>
    public static async Task<string> InvitationToken(string databasePrefix, string email)
    {
        var csb = new Npgsql.NpgsqlConnectionStringBuilder(Servers.Postgres) { Database = $"{databasePrefix}_workspaces" };
        await using var connection = new Npgsql.NpgsqlConnection(csb.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var query = new Npgsql.NpgsqlCommand("""SELECT "Payload" FROM outbox_messages WHERE "Type" = 'InvitationCreated' AND "Payload" LIKE @email""", connection);
        query.Parameters.AddWithValue("email", $"%{email}%");
        return JsonDocument.Parse((string)(await query.ExecuteScalarAsync(Ct))!).RootElement.GetProperty("token").GetString()!;
    }
}
