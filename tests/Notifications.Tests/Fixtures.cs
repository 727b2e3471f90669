using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Notifications.Data;
using TaskFlow.TestKit;

namespace TaskFlow.Notifications.Tests;

/// <summary>The all-in-one host with a public URL of its own, so the tests see that links follow <c>App:PublicUrl</c>.</summary>
public class NotificationsApp(Provider provider) : TaskFlowApp(provider)
{
    public const string PublicUrl = "https://app.taskflow.test";

    // The trailing slash is deliberate: links must not get a double slash.
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("App:PublicUrl", PublicUrl + "/")];
}

public sealed class SqliteNotificationsApp() : NotificationsApp(Provider.Sqlite);

public sealed class PostgresNotificationsApp() : NotificationsApp(Provider.Postgres);

/// <summary>The same host in the Production environment, where the development mail listing must not exist.</summary>
public sealed class ProductionApp() : TaskFlowApp(Provider.Sqlite)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

/// <summary>The host sending through SMTP to a port where nothing listens until a test starts an <see cref="SmtpSink"/> there.</summary>
public class SmtpApp(Provider provider) : TaskFlowApp(provider)
{
    public int SmtpPort { get; } = SmtpSink.FreePort();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Email:Smtp:Host", "127.0.0.1"),
        new("Email:Smtp:Port", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Email:Smtp:Security", "None"),
        new("Notifications:Email:RetryBaseDelay", "00:00:00.100"),
        new("Notifications:Email:RetryMaxDelay", "00:00:00.500"),
        new("Notifications:Email:PollInterval", "00:00:00.100"),
        new("Notifications:Email:MaxAttempts", "1000"),
    ];
}

public sealed class SqliteSmtpApp() : SmtpApp(Provider.Sqlite);

public sealed class PostgresSmtpApp() : SmtpApp(Provider.Postgres);

static class Events
{
    /// <summary>Writes the event into the notifications outbox; the real dispatcher and transport deliver it.</summary>
    public static async Task Publish(this TaskFlowApp app, params IntegrationEvent[] events)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDb>();
        foreach (var e in events) db.Publish(e);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    public static async Task<T> Query<T>(this TaskFlowApp app, Func<NotificationsDb, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<NotificationsDb>());
    }

    public static Task<List<OutgoingEmail>> EmailsTo(this TaskFlowApp app, string to) =>
        app.Query(db => db.OutgoingEmails.AsNoTracking().Where(e => e.To == to).ToListAsync(TestContext.Current.CancellationToken));

    /// <summary>Polls until <paramref name="condition"/> holds (delivery happens in the background).</summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.test";

    /// <summary>A token as identity makes them: 32 random bytes, URL-safe base64 without padding.</summary>
    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
