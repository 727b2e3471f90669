using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;
using TaskFlow.BuildingBlocks.Email;

namespace TaskFlow.TestKit;

public enum Provider { Sqlite, Postgres }

/// <summary>
/// The all-in-one host in memory, on a fresh SQLite folder or fresh PostgreSQL databases
/// (prefix unique to this instance, dropped on dispose). PostgreSQL comes from TASKFLOW_TEST_POSTGRES.
/// Pass <paramref name="dataDir"/> and <paramref name="databasePrefix"/> to run on existing data (a restart):
/// the caller then owns them and they are kept on dispose.
/// </summary>
public class TaskFlowApp(Provider provider, string? dataDir = null, string? databasePrefix = null) : WebApplicationFactory<Program>
{
    readonly bool ownsData = dataDir is null && databasePrefix is null;

    public static string PostgresConnection =>
        Environment.GetEnvironmentVariable("TASKFLOW_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";

    public Provider Provider { get; } = provider;
    public string DataDir { get; } = dataDir ?? NewDataDir();
    public string DatabasePrefix { get; } = databasePrefix ?? NewDatabasePrefix();

    public static string NewDataDir() => Path.Combine(Path.GetTempPath(), "taskflow-tests", Guid.NewGuid().ToString("N"));
    public static string NewDatabasePrefix() => "tft_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Extra configuration for a test class, e.g. rate limits or lifetimes.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("DataDir", DataDir);
        builder.UseSetting("Data:Provider", Provider.ToString());
        builder.UseSetting("Data:Postgres", PostgresConnection);
        builder.UseSetting("Data:DatabasePrefix", DatabasePrefix);
        builder.UseSetting("RateLimits:Enabled", "false");
        // Race tests send hundreds of requests at once to one host; the shedding's own tests turn it on (docs/adr/0044).
        builder.UseSetting("Shedding:Enabled", "false");
        // Those bursts queue for the services' small pools (Data:ConnectionBudget); on a loaded machine that can take longer
        // than the production bound on the wait.
        builder.UseSetting("Data:ConnectionTimeout", "00:00:30");
        // Tests sign in often from one (test server) address; the limit's own tests turn it on.
        builder.UseSetting("Identity:LoginLimits:Enabled", "false");
        // Tests invite fixed addresses (x@example.com) many times in one host; the limits' own tests set them low.
        builder.UseSetting("Workspaces:InvitationLimits:PerAddressPerHour", "100000");
        builder.UseSetting("Workspaces:InvitationLimits:PerSenderPerHour", "100000");
        builder.UseSetting("Messaging:OutboxPollInterval", "00:00:00.200");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    /// <summary>Messages the all-in-one mail sink has written so far.</summary>
    public IReadOnlyList<MimeMessage> Mails() => Services.GetRequiredService<FileEmailSink>().List();

    /// <summary>Waits until a mail to <paramref name="to"/> matching <paramref name="match"/> arrives (events are delivered in the background).</summary>
    public async Task<MimeMessage> WaitForMail(string to, Func<MimeMessage, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var found = Mails().LastOrDefault(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, to, StringComparison.OrdinalIgnoreCase)) && (match?.Invoke(m) ?? true));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No mail to {to} arrived.");
            await Task.Delay(100);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (!ownsData) return;
        if (Provider == Provider.Postgres) await DropDatabases(DatabasePrefix);
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static async Task DropDatabases(string prefix)
    {
        await using var connection = new NpgsqlConnection(PostgresConnection);
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE @p", connection))
        {
            list.Parameters.AddWithValue("p", prefix + "_%");
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        }
        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

public sealed class SqliteApp() : TaskFlowApp(Provider.Sqlite);

public sealed class PostgresApp() : TaskFlowApp(Provider.Postgres);
