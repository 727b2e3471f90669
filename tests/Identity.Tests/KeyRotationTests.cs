using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using TaskFlow.Identity.Security;
using TaskFlow.TestKit;

namespace TaskFlow.Identity.Tests;

/// <summary>
/// Signing key rotation. These apps validate with the key store on every request (<c>Auth:KeyCacheLifetime</c> 0),
/// so a key activated at once is usable at once; in production a new key is published 10 minutes before it signs.
/// </summary>
public abstract class KeyRotationTests(TaskFlowApp app) : IdentityTestBase(app)
{
    SigningKeyStore Store => App.Services.GetRequiredService<SigningKeyStore>();

    async Task<List<string>> PublishedKids()
    {
        var jwks = await Json(await Client.GetAsync("/.well-known/jwks.json", Ct));
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();
    }

    async Task<HttpStatusCode> Me(string accessToken) => (await App.Authorized(accessToken).GetAsync("/v1/users/me", Ct)).StatusCode;

    [Fact]
    public async Task Rotation_keeps_tokens_signed_with_the_previous_key_valid()
    {
        var user = await NewUser();
        var before = await Accounts.SignIn(Client, user.Email, user.Password);
        var oldKid = new JsonWebToken(before).Kid;

        var newKid = await Store.Rotate(TimeSpan.Zero, Ct);

        var after = await Accounts.SignIn(Client, user.Email, user.Password);
        Assert.Equal(newKid, new JsonWebToken(after).Kid);
        Assert.Contains(oldKid, await PublishedKids());
        Assert.Contains(newKid, await PublishedKids());
        Assert.Equal(HttpStatusCode.OK, await Me(before));
        Assert.Equal(HttpStatusCode.OK, await Me(after));

        var jwks = await (await Client.GetAsync("/.well-known/jwks.json", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.True((await TokenTests.Validate(before, jwks)).IsValid);
        Assert.True((await TokenTests.Validate(after, jwks)).IsValid);
    }

    [Fact]
    public async Task A_new_key_is_published_before_it_signs()
    {
        var user = await NewUser();
        var pending = await Store.Rotate(TimeSpan.FromHours(1), Ct);
        Assert.Contains(pending, await PublishedKids());
        var token = await Accounts.SignIn(Client, user.Email, user.Password);
        Assert.NotEqual(pending, new JsonWebToken(token).Kid);
        Assert.Equal(HttpStatusCode.OK, await Me(token));
        // Let the pending key take over, so later tests start from a plain state.
        await Db(db => db.SigningKeys.Where(k => k.Kid == pending).ExecuteUpdateAsync(s => s.SetProperty(k => k.ActivatesAt, DateTime.UtcNow), Ct));
        Store.Invalidate();
        Assert.Equal(pending, new JsonWebToken(await Accounts.SignIn(Client, user.Email, user.Password)).Kid);
    }

    [Fact]
    public async Task A_retired_key_is_dropped_once_its_tokens_have_expired()
    {
        var user = await NewUser();
        var old = await Accounts.SignIn(Client, user.Email, user.Password);
        var oldKid = new JsonWebToken(old).Kid;
        await Store.Rotate(TimeSpan.Zero, Ct);
        // Pretend the key retired long enough ago that every token it signed has expired.
        await Db(db => db.SigningKeys.Where(k => k.Kid == oldKid).ExecuteUpdateAsync(s => s.SetProperty(k => k.RetiredAt, DateTime.UtcNow.AddHours(-1)), Ct));

        await Store.EnsureCurrent(Ct);

        Assert.DoesNotContain(oldKid, await PublishedKids());
        Assert.False(await Db(db => db.SigningKeys.AnyAsync(k => k.Kid == oldKid, Ct)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(old));
    }

    [Fact]
    public async Task The_rotation_check_replaces_a_key_older_than_the_rotation_period()
    {
        var active = await Store.Rotate(TimeSpan.Zero, Ct);
        Assert.Equal(active, new JsonWebToken(await Accounts.SignIn(Client, (await NewUser()).Email, "correct-Horse-battery-9")).Kid);
        await Db(db => db.SigningKeys.ExecuteUpdateAsync(s => s.SetProperty(k => k.ActivatesAt, k => k.Kid == active ? DateTime.UtcNow.AddDays(-31) : DateTime.UtcNow.AddDays(-40)), Ct));
        await Store.EnsureCurrent(Ct);
        var kids = await PublishedKids();
        Assert.Contains(active, kids);
        Assert.True(kids.Count >= 2);
        var keys = await Db(db => db.SigningKeys.AsNoTracking().ToListAsync(Ct));
        var upcoming = keys.Single(k => k.ActivatesAt > DateTime.UtcNow);
        Assert.Equal(keys.Single(k => k.Kid == active).RetiredAt, upcoming.ActivatesAt);
    }
}

public sealed class RotationSqliteApp() : TaskFlowApp(Provider.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Auth:KeyCacheLifetime", "00:00:00")];
}

public sealed class RotationPostgresApp() : TaskFlowApp(Provider.Postgres)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Auth:KeyCacheLifetime", "00:00:00")];
}

public sealed class SqliteKeyRotationTests(RotationSqliteApp app) : KeyRotationTests(app), IClassFixture<RotationSqliteApp>;

public sealed class PostgresKeyRotationTests(RotationPostgresApp app) : KeyRotationTests(app), IClassFixture<RotationPostgresApp>;
