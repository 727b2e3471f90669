using Microsoft.Extensions.DependencyInjection;
using TaskFlow.BuildingBlocks.Messaging;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Consumers;

/// <summary>
/// Subscribes the report log to the projects and tasks events it keeps (<see cref="Projection.LoggedTypes"/>). Unlike
/// <c>AddEventHandler</c> it needs the envelope itself (id, wire name, raw payload) to keep the event for replays; the
/// log's key is the event id, so a redelivered event is applied once.
/// </summary>
internal static class EventLog
{
    public const string Consumer = "reporting.EventLog";

    public static IServiceCollection AddReportLog(this IServiceCollection services, string service)
    {
        services.AddScoped<Projection>();
        foreach (var type in Projection.LoggedTypes)
            services.AddSingleton(new EventSubscription(service, $"{Consumer}.{type}", type, Handle, Database: typeof(ReportingDb)));
        return services;
    }

    static async Task Handle(IServiceProvider services, EventEnvelope envelope, CancellationToken ct)
    {
        var db = services.GetRequiredService<ReportingDb>();
        var previous = CorrelationContext.Current;
        CorrelationContext.Current = envelope.CorrelationId;
        try
        {
            await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
            if (!await services.GetRequiredService<Projection>().Log(envelope, ct)) return;
            await db.SaveChangesAsync(ct);
            if (transaction is not null) await transaction.CommitAsync(ct);
        }
        finally
        {
            CorrelationContext.Current = previous;
        }
    }
}
