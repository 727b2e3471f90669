using System.Text.Json;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>A fact one service publishes for others. The wire name is the record's type name.</summary>
public abstract record IntegrationEvent
{
    public Guid EventId { get; init; } = Guid.CreateVersion7();
    public DateTime OccurredAt { get; init; } = DateTime.UtcNow;
}

/// <summary>What travels between services: the event's id, wire name and JSON payload.</summary>
public sealed record EventEnvelope(Guid Id, string Type, string Payload, DateTime OccurredAt, string? CorrelationId)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

public sealed class OutboxMessage : Delivery.IDeliveryRow
{
    public Guid Id { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTime OccurredAt { get; set; }
    public string? CorrelationId { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public string? LockedBy { get; set; }
    public DateTime? LockedUntil { get; set; }
    /// <summary>Set when the last attempt failed; the message stays for an operator to inspect and retry.</summary>
    public DateTime? DeadLetteredAt { get; set; }

    public static OutboxMessage From<TEvent>(TEvent e, string? correlationId) where TEvent : IntegrationEvent => new()
    {
        Id = e.EventId,
        Type = e.GetType().Name,
        Payload = JsonSerializer.Serialize(e, e.GetType(), EventEnvelope.Json),
        OccurredAt = e.OccurredAt,
        CorrelationId = correlationId,
    };

    public EventEnvelope ToEnvelope() => new(Id, Type, Payload, OccurredAt, CorrelationId);
}

/// <summary>One row per (message, consumer) handled, written in the consumer's transaction.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; set; }
    public required string Consumer { get; set; }
    public DateTime HandledAt { get; set; }
}

/// <summary>The correlation id of the request or message being handled, for logs and outgoing events.</summary>
public static class CorrelationContext
{
    static readonly AsyncLocal<string?> current = new();

    public static string? Current
    {
        get => current.Value;
        set => current.Value = value;
    }
}
