using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.BuildingBlocks.Messaging;

/// <summary>
/// Erasure of a deleted user (docs/adr/0030-personal-data.md) reaches the outbox too: rows whose payload holds one of
/// the user's values go at once, sent or not, instead of after <see cref="MessagingOptions.OutboxRetention"/>. Events the
/// caller publishes in the same unit of work are not saved yet, so they are not touched.
/// </summary>
public static class OutboxErasure
{
    /// <summary>Deletes the outbox rows that mention any of <paramref name="values"/> (ids, addresses, names), case-insensitively.</summary>
    public static async Task<int> ForgetMentionsOf(this ServiceDb db, IEnumerable<string?> values, CancellationToken ct)
    {
        var deleted = 0;
        // As the payload writes them: JSON escapes (a name with "é" is stored as "\u00E9"), then lower case on both sides.
        foreach (var value in values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => JsonSerializer.Serialize(v!.Trim(), EventEnvelope.Json)[1..^1].ToLowerInvariant()).Distinct())
            deleted += await db.OutboxMessages.Where(m => m.Payload.ToLower().Contains(value)).ExecuteDeleteAsync(ct);
        return deleted;
    }
}
