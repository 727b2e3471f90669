using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq.Expressions;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskFlow.BuildingBlocks.Delivery;

/// <summary>The columns every durable delivery row has: what the loop claims, counts and releases.</summary>
public interface IDeliveryRow
{
    Guid Id { get; }
    int Attempts { get; set; }

    /// <summary>The dispatcher instance holding the row (null: free).</summary>
    string? LockedBy { get; set; }

    /// <summary>Until when <see cref="LockedBy"/> holds it; renewed while the holder works, so a dead holder loses it within one lease.</summary>
    DateTime? LockedUntil { get; set; }
}

/// <summary>How one kind of delivery is paced: read again before every batch, so options can change at run time.</summary>
/// <param name="MaxAttempts">Failed attempts before the row is dead.</param>
/// <param name="Backoff">Wait after the n-th failed attempt (1-based).</param>
/// <param name="PollInterval">How often an idle loop looks for due rows (a signal wakes it earlier).</param>
/// <param name="Lease">How long a claim lasts without renewal: what a killed process holds at most. Renewed every third of it while working.</param>
/// <param name="BatchSize">Rows claimed at once.</param>
public sealed record DeliveryPolicy(int MaxAttempts, Func<int, TimeSpan> Backoff, TimeSpan PollInterval, TimeSpan Lease, int BatchSize)
{
    /// <summary>Default lease: a killed dispatcher's rows are free again within this (plus a poll).</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(10);

    /// <summary>Exponential from <paramref name="baseDelay"/>, capped at <paramref name="max"/>, with "equal jitter" (half fixed, half random).</summary>
    public static Func<int, TimeSpan> Exponential(TimeSpan baseDelay, TimeSpan max) => attempt =>
    {
        var capped = Math.Min(max.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    };
}

/// <summary>A failure a delivery reports without an exception of its own (an HTTP status, a missing target).</summary>
public sealed class DeliveryFailedException(string message, bool permanent = false) : Exception(message)
{
    /// <summary>No retry can fix it: the row is dead at once.</summary>
    public bool Permanent { get; } = permanent;
}

/// <summary>Wakes a delivery loop when rows were committed, so they leave at once instead of at the next poll.</summary>
public sealed class DeliverySignal
{
    readonly Channel<bool> channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => channel.Writer.TryWrite(true);

    /// <summary>Returns when notified or after <paramref name="timeout"/>.</summary>
    public async Task Wait(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>
/// One loop for every durable delivery (the event outbox, emails, SMS, webhooks; later payment and shipping calls): rows
/// of a table are claimed under a short lease (an UPDATE only one instance can win, so several processes share a
/// database), the lease is renewed while the work runs (a heartbeat), each attempt is recorded, a failure is retried
/// with backoff and, after <see cref="DeliveryPolicy.MaxAttempts"/> or a permanent failure, the row is dead.
/// A kind says only which rows are due, how one is sent and what success, retry and death write (docs/adr/0002).
/// </summary>
/// <remarks>
/// Guarantees: a row is worked on by one holder at a time; an outcome is written only while the writer still holds the
/// row (checked in the transaction that writes it), so a holder that lost its lease cannot overwrite the next one's
/// work; a holder whose renewals fail stops starting new sends before its lease ends. Delivery is at least once: a
/// process killed after a send and before its record leaves the row to be sent again, so sinks de-duplicate by the
/// row's id where they can.
/// </remarks>
public abstract class DurableDelivery<TDb, TRow>(IServiceProvider services, ILogger logger) : BackgroundService
    where TDb : DbContext
    where TRow : class, IDeliveryRow
{
    readonly IServiceProvider services = services;
    readonly ILogger logger = logger;

    /// <summary>Unique per loop, within the 100 characters of <see cref="IDeliveryRow.LockedBy"/>; a long machine name is what gets cut.</summary>
    public string Instance { get; } = InstanceName();

    static string InstanceName()
    {
        var name = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        return name.Length <= 100 ? name : name[^100..];
    }

    /// <summary>Name of the kind in logs (<c>outbox</c>, <c>email</c>, …).</summary>
    protected abstract string Kind { get; }

    protected abstract DeliveryPolicy Policy { get; }

    /// <summary>Now, on the kind's clock.</summary>
    protected virtual DateTime UtcNow => DateTime.UtcNow;

    /// <summary>Rows waiting to be sent and due at <paramref name="now"/> (not sent, not dead, retry time reached). The loop adds the lease condition.</summary>
    protected abstract Expression<Func<TRow, bool>> Due(DateTime now);

    /// <summary>Order in which due rows are claimed and sent.</summary>
    protected abstract Expression<Func<TRow, DateTime>> Order { get; }

    /// <summary>
    /// On PostgreSQL: <see cref="Due"/> as SQL over the row's columns, <c>{0}</c> standing for now, and the column
    /// <see cref="Order"/> sorts by; a kind that gives them is claimed in one statement (<c>UPDATE … WHERE Id IN (SELECT …
    /// FOR UPDATE SKIP LOCKED) RETURNING *</c>) instead of a read, an update and a read. Null: the three statements.
    /// </summary>
    protected virtual (string Due, string OrderColumn)? DueSql => null;

    /// <summary>
    /// True: rows are sent one after another, each recorded as soon as it is sent (slow, external sends: a crash repeats
    /// at most the one in flight). False: <see cref="SendBatch"/> sends the whole batch and one write records it.
    /// </summary>
    protected virtual bool OneAtATime => true;

    /// <summary>Sends one row; throws on failure. Fields the kind keeps of a success (a provider id) are set on <paramref name="row"/>.</summary>
    protected virtual Task Send(TDb db, TRow row, CancellationToken ct) => throw new NotSupportedException($"{GetType().Name} sends batches.");

    /// <summary>Sends a batch; per row null (sent) or the failure. An <see cref="OperationCanceledException"/> means "not attempted".</summary>
    protected virtual Task<Exception?[]> SendBatch(TDb db, IReadOnlyList<TRow> rows, CancellationToken ct) => throw new NotSupportedException($"{GetType().Name} sends one row at a time.");

    /// <summary>Marks the row sent. <see cref="IDeliveryRow.Attempts"/> counts failed attempts; a kind that counts the successful one too adds it here.</summary>
    protected abstract void Succeeded(TRow row, DateTime now);

    protected abstract void Retry(TRow row, string error, DateTime next, DateTime now);

    /// <summary>Marks the row dead; may add a dead-letter record to <paramref name="db"/> (saved in the same transaction).</summary>
    protected abstract void Dead(TDb db, TRow row, string error, DateTime now);

    /// <summary>The error kept on the row.</summary>
    protected virtual string Describe(Exception ex) => ex is DeliveryFailedException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";

    /// <summary>Failures no retry can fix: the row is dead at once.</summary>
    protected virtual bool IsPermanent(Exception ex) => ex is DeliveryFailedException { Permanent: true };

    /// <summary>Called after outcomes are saved, with the rows that were sent.</summary>
    protected virtual void Recorded(IReadOnlyList<TRow> sent)
    {
    }

    /// <summary>Waits for work: a signal, or the poll interval.</summary>
    protected virtual Task Idle(TimeSpan pollInterval, CancellationToken ct) => Task.Delay(pollInterval, ct);

    /// <summary>Periodic work of the kind between batches (purging old rows).</summary>
    protected virtual Task Housekeeping(CancellationToken ct) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Housekeeping(stoppingToken);
                if (await DispatchBatch(stoppingToken) > 0) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Delivery of {Kind} failed; retrying", Kind);
            }
            try
            {
                await Idle(Policy.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Claims due rows, sends them and records the outcomes; returns how many were claimed.</summary>
    public async Task<int> DispatchBatch(CancellationToken ct)
    {
        var policy = Policy;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDb>();
        var now = UtcNow;
        var claimed = DueSql is { } sql && db.Database.IsNpgsql()
            ? await ClaimInOneStatement(db, sql.Due, sql.OrderColumn, now, policy, ct)
            : await Claim(db, now, policy, ct);
        if (claimed.Count == 0) return 0;

        var lease = new Lease(this, claimed, policy.Lease, ct);
        try
        {
            if (OneAtATime)
            {
                foreach (var row in claimed)
                {
                    // Past the held lease another instance may claim the row: the rest is left to whoever does.
                    if (lease.Work.IsCancellationRequested) break;
                    Exception? failure = null;
                    try
                    {
                        await Send(db, row, lease.Work);
                    }
                    catch (OperationCanceledException) when (lease.Work.IsCancellationRequested)
                    {
                        // Not attempted (the lease ran out, the host is stopping): released below without counting an attempt.
                        break;
                    }
                    catch (Exception ex)
                    {
                        failure = ex;
                    }
                    lease.Done(row.Id);
                    await Record(db, [(row, failure)]);
                }
            }
            else
            {
                Exception?[] results;
                try
                {
                    results = await SendBatch(db, claimed, lease.Work);
                }
                catch (OperationCanceledException) when (lease.Work.IsCancellationRequested)
                {
                    results = [.. claimed.Select(_ => (Exception?)new OperationCanceledException())];
                }
                var outcomes = new List<(TRow, Exception?)>(claimed.Count);
                var notAttempted = new List<TRow>();
                for (var i = 0; i < claimed.Count; i++)
                {
                    if (results[i] is OperationCanceledException && lease.Work.IsCancellationRequested) notAttempted.Add(claimed[i]);
                    else outcomes.Add((claimed[i], results[i]));
                    lease.Done(claimed[i].Id);
                }
                await Record(db, outcomes, notAttempted);
            }
        }
        finally
        {
            await lease.DisposeAsync();
            // Rows left unsent (the lease ran out, the host is stopping) are released for the next pass or instance.
            if (lease.Pending.Count > 0) await Release(db, lease.Pending);
        }
        return claimed.Count;
    }

    /// <summary>A read of the due rows' ids first (an idle poll must not take SQLite's write lock from the requests), the claim, and a read of the rows claimed.</summary>
    async Task<List<TRow>> Claim(TDb db, DateTime now, DeliveryPolicy policy, CancellationToken ct)
    {
        var set = db.Set<TRow>();
        var free = LeaseFree(now);
        var candidates = await set.Where(Due(now)).Where(free).OrderBy(Order).Select(r => EF.Property<Guid>(r, nameof(IDeliveryRow.Id)))
            .Take(policy.BatchSize).ToListAsync(ct);
        if (candidates.Count == 0) return [];

        var until = now + policy.Lease;
        var instance = Instance;
        // The WHERE repeats the conditions: on PostgreSQL a concurrent instance that picked the same rows waits for the
        // other's transaction and then re-checks them against the committed lease, so a row is never claimed twice.
        await set.Where(r => candidates.Contains(EF.Property<Guid>(r, nameof(IDeliveryRow.Id)))).Where(Due(now)).Where(free)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => EF.Property<string?>(r, nameof(IDeliveryRow.LockedBy)), instance)
                .SetProperty(r => EF.Property<DateTime?>(r, nameof(IDeliveryRow.LockedUntil)), until), ct);
        return await set.Where(r => candidates.Contains(EF.Property<Guid>(r, nameof(IDeliveryRow.Id)))
                && EF.Property<string?>(r, nameof(IDeliveryRow.LockedBy)) == instance && EF.Property<DateTime?>(r, nameof(IDeliveryRow.LockedUntil)) == until)
            .OrderBy(Order).ToListAsync(ct);
    }

    /// <summary>
    /// PostgreSQL: poll, claim and read in one statement (issue 19: two round trips less per batch, and an idle poll is
    /// still one). The inner SELECT locks the due, free rows it picks and skips rows another instance is claiming at that
    /// moment; the UPDATE then leases exactly those, so a row is never claimed twice; a row a concurrent claim has just
    /// leased is no longer free once that claim commits, and one not yet committed is locked and skipped.
    /// </summary>
    Func<TRow, DateTime>? orderBy;

    async Task<List<TRow>> ClaimInOneStatement(TDb db, string due, string orderColumn, DateTime now, DeliveryPolicy policy, CancellationToken ct)
    {
        var entity = db.Model.FindEntityType(typeof(TRow)) ?? throw new InvalidOperationException($"{typeof(TRow).Name} is not in the model.");
        var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
        string Column(string property) => $"\"{entity.FindProperty(property)!.GetColumnName()}\"";
        var (id, lockedBy, lockedUntil) = (Column(nameof(IDeliveryRow.Id)), Column(nameof(IDeliveryRow.LockedBy)), Column(nameof(IDeliveryRow.LockedUntil)));
        var sql = $"UPDATE {table} SET {lockedBy} = {{1}}, {lockedUntil} = {{2}} WHERE {id} IN (" +
            $"SELECT {id} FROM {table} WHERE ({due}) AND ({lockedUntil} IS NULL OR {lockedUntil} < {{0}}) " +
            $"ORDER BY \"{orderColumn}\" LIMIT {{3}} FOR UPDATE SKIP LOCKED) RETURNING *";
        var rows = await db.Set<TRow>().FromSqlRaw(sql, now, Instance, now + policy.Lease, policy.BatchSize).ToListAsync(ct);
        // RETURNING keeps no order.
        var order = orderBy ??= Order.Compile();
        return [.. rows.OrderBy(order)];
    }

    Expression<Func<TRow, bool>> LeaseFree(DateTime now) =>
        r => EF.Property<DateTime?>(r, nameof(IDeliveryRow.LockedUntil)) == null || EF.Property<DateTime?>(r, nameof(IDeliveryRow.LockedUntil)) < now;

    Expression<Func<TRow, bool>> Held(IReadOnlyCollection<Guid> ids)
    {
        var instance = Instance;
        return r => ids.Contains(EF.Property<Guid>(r, nameof(IDeliveryRow.Id))) && EF.Property<string?>(r, nameof(IDeliveryRow.LockedBy)) == instance;
    }

    /// <summary>
    /// Writes the outcomes in one transaction that first checks (and on PostgreSQL locks) which rows this instance still
    /// holds: a row lost to another instance keeps that instance's state. <paramref name="release"/>: rows to free without an attempt.
    /// </summary>
    async Task Record(TDb db, IReadOnlyList<(TRow Row, Exception? Failure)> outcomes, IReadOnlyList<TRow>? release = null)
    {
        var rows = outcomes.Select(o => o.Row).Concat(release ?? []).ToList();
        if (rows.Count == 0) return;
        var policy = Policy;
        var ids = rows.Select(r => r.Id).ToList();
        // The outcome is recorded even if the host is stopping: the send happened.
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var held = await db.Set<TRow>().Where(Held(ids))
            .ExecuteUpdateAsync(s => s.SetProperty(r => EF.Property<DateTime?>(r, nameof(IDeliveryRow.LockedUntil)), r => EF.Property<DateTime?>(r, nameof(IDeliveryRow.LockedUntil))), CancellationToken.None);
        HashSet<Guid> ours = held == ids.Count ? [.. ids] : [.. await db.Set<TRow>().Where(Held(ids)).Select(r => EF.Property<Guid>(r, nameof(IDeliveryRow.Id))).ToListAsync(CancellationToken.None)];
        var now = UtcNow;
        var sent = new List<TRow>();
        foreach (var (row, failure) in outcomes)
        {
            if (!ours.Contains(row.Id))
            {
                logger.LogWarning("{Kind} {Id}: lease lost before its outcome was recorded; left to its new holder", Kind, row.Id);
                db.Entry(row).State = EntityState.Detached;
                continue;
            }
            if (failure is null)
            {
                Succeeded(row, now);
                sent.Add(row);
            }
            else
            {
                var attempts = ++row.Attempts;
                var error = Truncate(Describe(failure), 1000);
                if (attempts >= policy.MaxAttempts || IsPermanent(failure))
                {
                    Dead(db, row, error, now);
                    logger.LogError(failure, "{Kind} {Id} failed {Attempts} time(s) and is dead", Kind, row.Id, attempts);
                }
                else
                {
                    var next = now + policy.Backoff(attempts);
                    Retry(row, error, next, now);
                    logger.LogWarning(failure, "{Kind} {Id} failed (attempt {Attempts}); retrying at {NextAttemptAt:o}", Kind, row.Id, attempts, next);
                }
            }
            row.LockedBy = null;
            row.LockedUntil = null;
        }
        foreach (var row in release ?? [])
        {
            if (!ours.Contains(row.Id))
            {
                db.Entry(row).State = EntityState.Detached;
                continue;
            }
            row.LockedBy = null;
            row.LockedUntil = null;
        }
        // No savepoint around the save (two round trips on PostgreSQL): a failure rolls the whole record back.
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = true;
        }
        await transaction.CommitAsync(CancellationToken.None);
        if (sent.Count > 0) Recorded(sent);
    }

    async Task Release(TDb db, IReadOnlyCollection<Guid> ids)
    {
        try
        {
            await db.Set<TRow>().Where(Held(ids)).ExecuteUpdateAsync(s => s
                .SetProperty(r => EF.Property<string?>(r, nameof(IDeliveryRow.LockedBy)), (string?)null)
                .SetProperty(r => EF.Property<DateTime?>(r, nameof(IDeliveryRow.LockedUntil)), (DateTime?)null), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The lease runs out by itself.
            logger.LogInformation(ex, "Releasing {Count} {Kind} row(s) failed; their lease runs out", ids.Count, Kind);
        }
    }

    static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    /// <summary>
    /// Renews the claim on the rows still being worked on every third of the lease, from a scope of its own. <see cref="Work"/>
    /// is cancelled a quarter of a lease before the last lease this instance is sure to hold ends: when renewals fail
    /// (database down, rows taken over), work stops in time instead of overlapping with the next holder.
    /// </summary>
    sealed class Lease : IAsyncDisposable
    {
        readonly DurableDelivery<TDb, TRow> owner;
        readonly ConcurrentDictionary<Guid, bool> pending;
        readonly TimeSpan length;
        readonly CancellationTokenSource work;
        readonly CancellationTokenSource stop = new();
        readonly Task heartbeat;

        /// <summary>Starts right after the claim, whose lease began (on the kind's clock) just before it.</summary>
        public Lease(DurableDelivery<TDb, TRow> owner, IReadOnlyList<TRow> rows, TimeSpan length, CancellationToken ct)
        {
            this.owner = owner;
            this.length = length;
            pending = new(rows.Select(r => KeyValuePair.Create(r.Id, true)));
            work = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Extend(Stopwatch.GetTimestamp());
            heartbeat = Beat();
        }

        public CancellationToken Work => work.Token;

        public IReadOnlyCollection<Guid> Pending => [.. pending.Keys];

        public void Done(Guid id) => pending.TryRemove(id, out _);

        /// <summary>The lease written at <paramref name="renewedAt"/> (a timestamp taken before the write) holds for <c>length</c> from then; work stops a quarter before. Real time, not the kind's clock, which a test may move.</summary>
        void Extend(long renewedAt)
        {
            var left = length - length / 4 - Stopwatch.GetElapsedTime(renewedAt);
            try
            {
                if (left <= TimeSpan.Zero) work.Cancel();
                else work.CancelAfter(left);
            }
            catch (ObjectDisposedException)
            {
            }
        }

        async Task Beat()
        {
            var interval = length / 3;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(interval, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var ids = pending.Keys.ToList();
                if (ids.Count == 0) continue;
                try
                {
                    await using var scope = owner.services.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<TDb>();
                    var renewedAt = Stopwatch.GetTimestamp();
                    var until = owner.UtcNow + length;
                    var renewed = await db.Set<TRow>().Where(owner.Held(ids))
                        .ExecuteUpdateAsync(s => s.SetProperty(r => EF.Property<DateTime?>(r, nameof(IDeliveryRow.LockedUntil)), until), stop.Token);
                    if (renewed > 0) Extend(renewedAt);
                    else if (pending.Any(p => ids.Contains(p.Key)))
                    {
                        owner.logger.LogWarning("{Kind}: lease of {Count} row(s) lost; stopping work on them", owner.Kind, ids.Count);
                        await work.CancelAsync();
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // Not renewed: the work token still cancels before the held lease ends.
                    owner.logger.LogWarning(ex, "{Kind}: renewing the lease failed", owner.Kind);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await heartbeat;
            stop.Dispose();
            work.Dispose();
        }
    }
}
