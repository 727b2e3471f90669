using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TaskFlow.Inventory.Contracts;
using TaskFlow.Inventory.Data;

namespace TaskFlow.Inventory.Features;

/// <summary>What a unit of work decided: its result, and whether its changes are committed or rolled back.</summary>
internal readonly record struct Outcome<T>(T Result, bool Commit);

/// <summary>
/// The pieces every stock change shares. A change is one transaction: a conditional UPDATE of the stock row (its WHERE
/// states the invariant, so the database refuses an oversell whatever the number of writers or processes), the rows that
/// record it (ledger entry, reservation) and the <see cref="StockChanged"/> event in the outbox.
/// </summary>
internal static class StockWrites
{
    /// <summary>The most a product can have on hand; keeps every sum inside a 32-bit column.</summary>
    public const int OnHandMax = 1_000_000_000;

    public static Outcome<T> Commit<T>(T result) => new(result, true);

    public static Outcome<T> Abort<T>(T result) => new(result, false);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and saves and commits what it tracked when it says so. When a unique
    /// index refuses a row a concurrent request inserted first (the same order line reserved twice, a product's first
    /// stock row), the work runs again from the start with a clean change tracker and sees the other request's row.
    /// On SQLite the transaction is <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's default), so writers queue on the
    /// database's write lock at its start; on PostgreSQL the conditional UPDATE takes the product row's lock.
    /// </summary>
    public static async Task<T> Atomically<T>(this InventoryDb db, Func<Task<Outcome<T>>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var outcome = await work();
                if (outcome.Commit)
                {
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                }
                else
                {
                    await transaction.RollbackAsync(ct);
                    db.ChangeTracker.Clear();
                }
                return outcome.Result;
            }
            catch (DbUpdateException e) when (IsUniqueViolation(e) && attempt < 3)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The stock row as this transaction sees it now (after its own conditional UPDATE).</summary>
    public static Task<StockItem> Current(InventoryDb db, Guid productId, CancellationToken ct) =>
        db.Stock.AsNoTracking().SingleAsync(s => s.ProductId == productId, ct);

    /// <summary>Queues the one <see cref="StockChanged"/> of this change in the outbox (written by the same SaveChanges).</summary>
    public static void PublishChange(InventoryDb db, StockItem stock, string cause) =>
        db.Publish(new StockChanged(stock.ProductId, stock.OnHand, stock.Reserved, stock.Available, stock.Version) { Cause = cause });

    static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } => true,
        _ => false,
    };

    /// <summary>Trims an optional note; empty means none.</summary>
    public static string? ValidateNote(string? note, Dictionary<string, string[]> errors)
    {
        var trimmed = note?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return null;
        if (trimmed.Length > 500) errors["note"] = ["The note must be at most 500 characters."];
        return trimmed;
    }
}
