using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Notifications.Data;
using TaskFlow.TestKit;

namespace TaskFlow.Notifications.Tests;

/// <summary>Identity's <c>UserDeleted</c> reaches the dead letters kept for admins too (docs/adr/0030-personal-data.md).</summary>
public abstract class UserDeletedTests(NotificationsApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dead_letters_to_a_deleted_user_go_and_those_naming_them_are_anonymised()
    {
        var name = $"Dana Gone {Guid.NewGuid():N}"[..20];
        var dana = await app.NewPerson(name);
        var toDana = Guid.NewGuid();
        var namingDana = Guid.NewGuid();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotificationsDb>();
            db.DeadLetters.Add(new DeadLetter { Id = toDana, Channel = "email", MessageId = Guid.NewGuid(), Recipient = dana.Email, Summary = "Welcome to TaskFlow", Attempts = 8, DeadAt = DateTime.UtcNow });
            db.DeadLetters.Add(new DeadLetter { Id = namingDana, Channel = "email", MessageId = Guid.NewGuid(), Recipient = "someone@example.com", Summary = $"{name} commented on WEB-1", Attempts = 8, DeadAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }

        var deleted = new UserDeleted(dana.Id, dana.Email);
        await app.Publish(deleted);
        await app.Handled(deleted, "UserDeletedHandler");

        var left = await app.Query(db => db.DeadLetters.AsNoTracking().Where(d => d.Id == toDana || d.Id == namingDana).ToListAsync(Ct));
        var kept = Assert.Single(left);
        Assert.Equal(namingDana, kept.Id);
        Assert.Equal("Deleted user commented on WEB-1", kept.Summary);
    }
}

public sealed class SqliteUserDeletedTests(SqliteNotificationsApp app) : UserDeletedTests(app), IClassFixture<SqliteNotificationsApp>;

public sealed class PostgresUserDeletedTests(PostgresNotificationsApp app) : UserDeletedTests(app), IClassFixture<PostgresNotificationsApp>;
