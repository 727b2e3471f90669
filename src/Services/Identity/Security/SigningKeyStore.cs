using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Identity.Data;

namespace TaskFlow.Identity.Security;

/// <summary>
/// The ES256 keys, kept in the identity database so that restarts and several identity instances share them.
/// Reads are served from memory and reloaded every minute or after a rotation by this instance.
/// A new key is published <see cref="IdentityOptions.TokenOptions.KeyActivationDelay"/> before it signs,
/// and a retired key stays published until the last token it signed has expired.
/// Also the in-process <see cref="ISigningKeySource"/>: the services of this process validate with these keys directly.
/// </summary>
internal sealed class SigningKeyStore(
    IServiceScopeFactory scopes,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<SigningKeyStore> logger) : ISigningKeySource
{
    static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);
    /// <summary>Beyond the access lifetime, so tokens inside the validators' clock skew still find their key.</summary>
    static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    readonly SemaphoreSlim gate = new(1, 1);
    Snapshot? current;

    sealed record Entry(string Kid, ECDsa PrivateKey, ECDsaSecurityKey PublicKey, DateTime ActivatesAt);

    sealed record Snapshot(Entry? Active, IReadOnlyList<Entry> Published, DateTime LoadedAt);

    DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<SigningCredentials> GetSigningCredentials(CancellationToken ct)
    {
        var snapshot = await Get(ct);
        if (snapshot.Active is null)
        {
            // No key yet (first start of a fresh database raced with a request): create one now.
            await EnsureCurrent(ct);
            snapshot = await Get(ct);
        }
        var active = snapshot.Active ?? throw new InvalidOperationException("No signing key is available.");
        return new SigningCredentials(new ECDsaSecurityKey(active.PrivateKey) { KeyId = active.Kid }, SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>The public keys to publish and validate with: active, upcoming and recently retired.</summary>
    public async Task<IReadOnlyList<ECDsaSecurityKey>> GetPublicKeys(CancellationToken ct) =>
        (await Get(ct)).Published.Select(e => e.PublicKey).ToList();

    public async Task<IReadOnlyList<SecurityKey>> GetValidationKeys(CancellationToken cancellationToken) =>
        [.. await GetPublicKeys(cancellationToken)];

    /// <summary>Creates the first key, rotates an old one and deletes keys no token can need any more.</summary>
    public async Task EnsureCurrent(CancellationToken ct)
    {
        var tokens = options.Value.Tokens;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        var now = Now;
        var keys = await db.SigningKeys.ToListAsync(ct);

        var expired = keys.Where(k => k.RetiredAt is { } retired && retired + tokens.AccessLifetime + Grace < now).ToList();
        db.SigningKeys.RemoveRange(expired);

        var newest = keys.Except(expired).MaxBy(k => k.ActivatesAt);
        var changed = expired.Count > 0;
        if (newest is null)
        {
            AddKey(db, keys, now, activatesAt: now);
            changed = true;
        }
        else if (now - newest.ActivatesAt >= tokens.KeyRotation)
        {
            AddKey(db, keys, now, activatesAt: now + tokens.KeyActivationDelay);
            changed = true;
        }
        if (!changed) return;
        await db.SaveChangesAsync(ct);
        Invalidate();
    }

    /// <summary>Starts a new key at once, activating after <paramref name="activationDelay"/> (tests and operators).</summary>
    internal async Task<string> Rotate(TimeSpan activationDelay, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        var now = Now;
        var keys = await db.SigningKeys.ToListAsync(ct);
        var kid = AddKey(db, keys, now, now + activationDelay);
        await db.SaveChangesAsync(ct);
        Invalidate();
        return kid;
    }

    string AddKey(IdentityDb db, List<SigningKey> existing, DateTime now, DateTime activatesAt)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new SigningKey
        {
            Kid = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            PrivateKey = ecdsa.ExportPkcs8PrivateKey(),
            CreatedAt = now,
            ActivatesAt = activatesAt,
        };
        // The keys in use stop signing when the new one starts.
        foreach (var old in existing.Where(k => k.RetiredAt is null)) old.RetiredAt = activatesAt;
        db.SigningKeys.Add(key);
        logger.LogInformation("Created signing key {Kid}, signing from {ActivatesAt:o}", key.Kid, activatesAt);
        return key.Kid;
    }

    public void Invalidate() => current = null;

    async Task<Snapshot> Get(CancellationToken ct)
    {
        var snapshot = current;
        if (snapshot is not null && Now - snapshot.LoadedAt < CacheLifetime) return Refine(snapshot);
        await gate.WaitAsync(ct);
        try
        {
            snapshot = current;
            if (snapshot is not null && Now - snapshot.LoadedAt < CacheLifetime) return Refine(snapshot);
            snapshot = await Load(ct);
            current = snapshot;
            return snapshot;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A cached snapshot may hold a key that has since become active.</summary>
    Snapshot Refine(Snapshot snapshot)
    {
        var now = Now;
        var active = snapshot.Published.Where(e => e.ActivatesAt <= now).MaxBy(e => e.ActivatesAt);
        return active == snapshot.Active ? snapshot : snapshot with { Active = active };
    }

    async Task<Snapshot> Load(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        var now = Now;
        var cutoff = now - options.Value.Tokens.AccessLifetime - Grace;
        var rows = await db.SigningKeys.AsNoTracking().ToListAsync(ct);
        var published = rows
            .Where(k => k.RetiredAt is null || k.RetiredAt > cutoff)
            .OrderByDescending(k => k.ActivatesAt)
            .Select(ToEntry)
            .ToList();
        var active = published.Where(e => e.ActivatesAt <= now).MaxBy(e => e.ActivatesAt);
        return new Snapshot(active, published, now);
    }

    static Entry ToEntry(SigningKey key)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(key.PrivateKey, out _);
        var publicOnly = ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false));
        return new Entry(key.Kid, ecdsa, new ECDsaSecurityKey(publicOnly) { KeyId = key.Kid }, key.ActivatesAt);
    }
}

/// <summary>Makes sure a key exists before requests arrive, then checks for rotation periodically.</summary>
internal sealed class SigningKeyRotation(SigningKeyStore store, IOptions<IdentityOptions> options, ILogger<SigningKeyRotation> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.EnsureCurrent(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rotation = options.Value.Tokens.KeyRotation;
        var period = TimeSpan.FromTicks(Math.Clamp(rotation.Ticks / 10, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(5).Ticks));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await store.EnsureCurrent(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Signing key rotation check failed; retrying");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
