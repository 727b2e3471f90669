using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.BuildingBlocks.Data;

public static class DataSetup
{
    /// <summary>The folder for all-in-one data: configuration key <c>DataDir</c>, default <c>./data</c>.</summary>
    public static string DataDir(this IConfiguration configuration)
    {
        var dir = Path.GetFullPath(configuration["DataDir"] is { Length: > 0 } d ? d : "data");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static DataOptions DataOptions(this IConfiguration configuration) =>
        configuration.GetSection(Data.DataOptions.Section).Get<DataOptions>() ?? new DataOptions();

    /// <summary>
    /// Registers a service's DbContext on the configured provider. Each provider has its own subclass so that
    /// its migrations live apart (<c>Migrations/Sqlite</c>, <c>Migrations/Postgres</c>); callers inject <typeparamref name="TDb"/>.
    /// Migrations are applied at start-up, and the outbox of this database is dispatched in the background.
    /// <paramref name="interceptors"/>: the service's own (stateless, shared by every pooled context).
    /// </summary>
    public static void AddServiceDb<TDb, TSqliteDb, TPostgresDb>(this IHostApplicationBuilder builder, string service, params IInterceptor[] interceptors)
        where TDb : ServiceDb
        where TSqliteDb : TDb
        where TPostgresDb : TDb
    {
        var options = builder.Configuration.DataOptions();
        var connectionString = ConnectionString(builder.Configuration, options, service);
        // Pooled contexts: the options are built once and a context is reset instead of created for every request and
        // every consumed event (creating one, and looking up EF's internal services for it, showed up in profiles).
        // All-in-one, the events of a commit also go straight to the pushes (CommitRelay, registered by AddMessaging).
        IInterceptor[] Interceptors(IServiceProvider sp) =>
            [sp.GetRequiredService<OutboxSignal<TDb>>(), .. sp.GetService<CommitRelayInterceptor>() is { } relay ? [relay] : Array.Empty<IInterceptor>(), .. interceptors];
        if (options.Provider == DatabaseProvider.Postgres)
        {
            // Each service's pool is capped at its share of the process's connection budget (docs/adr/0044); the share is
            // computed when the pool is first built, after every module of the process has registered its database.
            var budget = ConnectionBudget.Of(builder, options);
            budget.Add(service);
            builder.Services.TryAddSingleton(budget);
            builder.Services.AddDbContextPool<TDb, TPostgresDb>((sp, o) => o.UseNpgsql(budget.ConnectionString(connectionString, service)).AddInterceptors(Interceptors(sp)));
        }
        else
            builder.Services.AddDbContextPool<TDb, TSqliteDb>((sp, o) => o.UseSqlite(connectionString).AddInterceptors([.. Interceptors(sp), SqlitePragmas.Instance]));

        builder.Services.AddSingleton<OutboxSignal<TDb>>();
        builder.Services.AddHostedService<MigrateOnStart<TDb>>();
        builder.Services.AddHostedService<OutboxDispatcher<TDb>>();
        builder.Services.AddHealthChecks().AddDbContextCheck<TDb>($"db-{service}", tags: ["ready"]);
    }

    public static string ConnectionString(IConfiguration configuration, DataOptions options, string service)
    {
        if (options.Provider == DatabaseProvider.Postgres)
        {
            var csb = new NpgsqlConnectionStringBuilder(options.Postgres ?? throw new InvalidOperationException("Data:Postgres is required when Data:Provider is Postgres."))
            {
                Database = $"{options.DatabasePrefix}_{service}",
                // No DISCARD ALL each time a connection goes back to the pool (a server-side statement per EF Core query
                // outside a transaction, ~3 per request in issue 19's mix): no code keeps session state (no SET, LISTEN,
                // temporary tables or session-level advisory locks; locks are transaction-scoped).
                NoResetOnClose = true,
            };
            return csb.ConnectionString;
        }
        return $"Data Source={Path.Combine(configuration.DataDir(), service + ".db")};Default Timeout=30;Pooling=True";
    }
}

sealed class MigrateOnStart<TDb>(IServiceProvider services, ILogger<MigrateOnStart<TDb>> logger) : IHostedService
    where TDb : ServiceDb
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers and the single writer work at the same time; the setting sticks to the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        logger.LogInformation("Database of {DbContext} is up to date", typeof(TDb).Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
