using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.TestKit;

namespace TaskFlow.Platform.Tests.Messaging;

/// <summary>An event of these tests only.</summary>
public sealed record Pinged(string Note) : IntegrationEvent;

/// <summary>A non-idempotent side effect: one row per handling, so a double application would show.</summary>
public sealed class Applied
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid EventId { get; set; }
    public required string Note { get; set; }
}

/// <summary>A service database like every module's: outbox and inbox from <see cref="ServiceDb"/>, plus one table of its own.</summary>
public sealed class MessagingTestDb(DbContextOptions<MessagingTestDb> options) : ServiceDb(options)
{
    public DbSet<Applied> Applied => Set<Applied>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Applied>().ToTable("applied");
    }
}

public sealed class PingedHandler(MessagingTestDb db) : IIntegrationEventHandler<Pinged>
{
    public Task Handle(Pinged integrationEvent, CancellationToken cancellationToken)
    {
        if (integrationEvent.Note.StartsWith("poison", StringComparison.Ordinal)) throw new InvalidOperationException("A poison message.");
        db.Applied.Add(new Applied { EventId = integrationEvent.EventId, Note = integrationEvent.Note });
        return Task.CompletedTask;
    }
}

/// <summary>
/// A fresh database (SQLite file or PostgreSQL database) with the messaging building blocks wired as
/// <see cref="DataSetup.AddServiceDb{TDb, TSqliteDb, TPostgresDb}"/> wires them, but without a host, so a test can run
/// its own dispatchers with the transport it wants.
/// </summary>
public sealed class MessagingDatabase : IAsyncDisposable
{
    public const string Service = "messagingtest";

    readonly string? sqliteFile;
    readonly string? postgresPrefix;

    MessagingDatabase(Provider provider, Action<IServiceCollection>? configure)
    {
        Provider = provider;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<OutboxSignal<MessagingTestDb>>();
        services.AddSingleton<IOptions<MessagingOptions>>(Options.Create(Messaging));
        string connectionString;
        if (provider == Provider.Postgres)
        {
            postgresPrefix = "tft_" + Guid.NewGuid().ToString("N")[..12];
            connectionString = new NpgsqlConnectionStringBuilder(TaskFlowApp.PostgresConnection) { Database = postgresPrefix + "_messaging" }.ConnectionString;
            services.AddDbContext<MessagingTestDb>((sp, o) => o.UseNpgsql(connectionString).AddInterceptors(Interceptors(sp)));
        }
        else
        {
            sqliteFile = Path.Combine(Path.GetTempPath(), $"taskflow-messaging-{Guid.NewGuid():N}.db");
            connectionString = $"Data Source={sqliteFile};Default Timeout=30;Pooling=False";
            services.AddDbContext<MessagingTestDb>((sp, o) => o.UseSqlite(connectionString).AddInterceptors(Interceptors(sp)));
        }
        services.AddEventHandler<MessagingTestDb, Pinged, PingedHandler>(Service);
        configure?.Invoke(services);
        Services = services.BuildServiceProvider();
    }

    /// <summary>As DataSetup: the outbox signal, and the commit relay when the test registered one.</summary>
    static IInterceptor[] Interceptors(IServiceProvider sp) =>
        [sp.GetRequiredService<OutboxSignal<MessagingTestDb>>(), .. sp.GetService<CommitRelayInterceptor>() is { } relay ? [relay] : Array.Empty<IInterceptor>()];

    public Provider Provider { get; }
    public MessagingOptions Messaging { get; } = new() { OutboxPollInterval = TimeSpan.FromMilliseconds(100) };
    public ServiceProvider Services { get; }

    public static async Task<MessagingDatabase> Create(Provider provider, Action<IServiceCollection>? configure = null)
    {
        var database = new MessagingDatabase(provider, configure);
        await using var scope = database.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingTestDb>();
        await db.Database.EnsureCreatedAsync();
        if (provider == Provider.Sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        return database;
    }

    public OutboxDispatcher<MessagingTestDb> Dispatcher(IEventTransport transport) =>
        new(Services, transport, Services.GetRequiredService<OutboxSignal<MessagingTestDb>>(),
            Services.GetRequiredService<IOptions<MessagingOptions>>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<OutboxDispatcher<MessagingTestDb>>.Instance);

    public async Task Publish(params IntegrationEvent[] events)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingTestDb>();
        foreach (var e in events) db.Publish(e);
        await db.SaveChangesAsync();
    }

    public async Task<T> Query<T>(Func<MessagingTestDb, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MessagingTestDb>());
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (postgresPrefix is not null) await TaskFlowApp.DropDatabases(postgresPrefix);
        if (sqliteFile is not null)
        {
            foreach (var file in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" })
                File.Delete(file);
        }
    }
}

static class Wait
{
    /// <summary>Polls until <paramref name="condition"/> holds: delivery happens in the background.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await probe();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
