using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Email;

namespace TaskFlow.Platform.Tests.Delivery;

/// <summary>The all-in-one mail sink de-duplicates by Message-Id: a resend after a crash writes no second file.</summary>
public sealed class FileEmailSinkTests : IDisposable
{
    readonly string dataDir = Path.Combine(Path.GetTempPath(), "taskflow-mailsink-" + Guid.NewGuid().ToString("N"));
    readonly FileEmailSink sink;

    public FileEmailSinkTests() =>
        sink = new FileEmailSink(Options.Create(new EmailOptions()), new ConfigurationBuilder().AddInMemoryCollection([new("DataDir", dataDir)]).Build());

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_message_delivered_twice_writes_one_file()
    {
        var message = new EmailMessage("ann@example.com", "Welcome", "Hello", MessageId: $"{Guid.NewGuid():N}@taskflow.local");

        await sink.Send(message, Ct);
        await sink.Send(message, Ct);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => sink.Send(message, Ct)));

        var file = Assert.Single(Directory.GetFiles(sink.Folder));
        Assert.EndsWith(".eml", file, StringComparison.Ordinal);
        Assert.Equal(message.MessageId, Assert.Single(sink.List()).MessageId);
    }

    [Fact]
    public async Task Different_messages_are_kept_apart_and_listed_oldest_first()
    {
        var first = new EmailMessage("ann@example.com", "First", "1", MessageId: $"{Guid.NewGuid():N}@taskflow.local");
        var second = new EmailMessage("ann@example.com", "Second", "2", MessageId: $"{Guid.NewGuid():N}@taskflow.local");
        var withoutId = new EmailMessage("ann@example.com", "Third", "3");

        await sink.Send(first, Ct);
        await Task.Delay(20, Ct);
        await sink.Send(second, Ct);
        await Task.Delay(20, Ct);
        await sink.Send(withoutId, Ct);
        await sink.Send(withoutId, Ct);

        // A message without an id cannot be recognised again: each send is a mail.
        Assert.Equal(["First", "Second", "Third", "Third"], sink.List().Select(m => m.Subject));
    }

    public void Dispose()
    {
        if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
    }
}
