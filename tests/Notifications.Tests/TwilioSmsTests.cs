using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Notifications.Data;
using TaskFlow.TestKit;
using static TaskFlow.Notifications.Tests.Channels;

namespace TaskFlow.Notifications.Tests;

/// <summary>The Twilio-shaped HTTP provider against a real HTTP server that answers like Twilio.</summary>
public abstract class TwilioSmsTests(TwilioApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    async Task<(Person Ada, Person Bob)> People(string phone)
    {
        var ada = await app.NewPerson("Ada Twilio");
        var bob = await app.NewPerson("Bob Twilio");
        using var put = await bob.Client.PutAsJsonAsync(new Uri("/v1/notifications/preferences/delivery", UriKind.Relative), new { phoneNumber = phone, sms = true }, Ct);
        put.EnsureSuccessStatusCode();
        return (ada, bob);
    }

    Task<List<OutgoingSms>> SmsTo(Guid userId) =>
        app.Query(db => db.OutgoingSms.AsNoTracking().Where(m => m.RecipientId == userId).ToListAsync(Ct));

    List<FakeTwilio.Request> RequestsTo(string phone) => app.Twilio.Requests.Where(r => r.To == phone).ToList();

    [Fact]
    public async Task An_SMS_is_posted_form_encoded_with_basic_auth_and_the_sid_is_kept()
    {
        const string phone = "+4915112340001";
        var (ada, bob) = await People(phone);
        var taskId = Guid.NewGuid();
        await app.Publish(new TaskAssigned(taskId, Guid.NewGuid(), bob.Id, ada.Id, Guid.NewGuid(), "TW-1", "Call me"));

        var sent = await Events.Eventually(() => SmsTo(bob.Id), r => r.Count == 1 && r[0].Status == SmsStatus.Sent, "the SMS to be sent");
        var request = Assert.Single(RequestsTo(phone));
        Assert.Equal($"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Messages.json", request.Path);
        Assert.Equal(201, request.Status);
        Assert.Equal("+15005550006", request.From);
        Assert.Equal($"TaskFlow: Ada Twilio assigned you TW-1 Call me {ChannelsApp.PublicUrl}/tasks/{taskId}", request.Body);
        Assert.StartsWith("SM", sent[0].ProviderId, StringComparison.Ordinal);
        Assert.Equal(1, sent[0].Attempts);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_and_the_SMS_is_sent_once()
    {
        const string phone = "+4915112340002";
        var (ada, bob) = await People(phone);
        app.Twilio.FailNext = 2;
        await app.Publish(new MemberMentioned(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), bob.Id, ada.Id, Guid.NewGuid(), "TW-2", "Retry"));

        var sent = await Events.Eventually(() => SmsTo(bob.Id), r => r.Count == 1 && r[0].Status == SmsStatus.Sent, "the SMS to be sent");
        Assert.Equal(3, sent[0].Attempts);
        var requests = RequestsTo(phone);
        Assert.Equal([500, 500, 201], requests.Select(r => r.Status));
        Assert.Null(sent[0].LastError);
    }

    [Fact]
    public async Task An_invalid_number_21211_is_dead_at_once_and_becomes_a_dead_letter()
    {
        var (ada, bob) = await People("+15005550001");
        await app.Publish(new TaskAssigned(Guid.NewGuid(), Guid.NewGuid(), bob.Id, ada.Id, Guid.NewGuid(), "TW-3", "Nobody"));

        var dead = await Events.Eventually(() => SmsTo(bob.Id), r => r.Count == 1 && r[0].Status == SmsStatus.Dead, "the SMS to be dead");
        Assert.Equal(1, dead[0].Attempts);
        Assert.Contains("21211", dead[0].LastError, StringComparison.Ordinal);
        Assert.Single(RequestsTo("+15005550001"));
        var letter = await app.Query(db => db.DeadLetters.AsNoTracking().SingleAsync(d => d.MessageId == dead[0].Id, Ct));
        Assert.Equal("sms", letter.Channel);
        Assert.Equal("+15005550001", letter.Recipient);
    }
}

public sealed class SqliteTwilioSmsTests(SqliteTwilioApp app) : TwilioSmsTests(app), IClassFixture<SqliteTwilioApp>;

public sealed class PostgresTwilioSmsTests(PostgresTwilioApp app) : TwilioSmsTests(app), IClassFixture<PostgresTwilioApp>;
