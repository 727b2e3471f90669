using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace TaskFlow.TestKit;

/// <summary>
/// A tiny SMTP server on 127.0.0.1 for tests: speaks enough SMTP (EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT)
/// for MailKit without TLS (<c>Email:Smtp:Security=None</c>) and keeps every message it accepts.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    readonly TcpListener listener;
    readonly CancellationTokenSource stop = new();
    readonly ConcurrentQueue<MimeMessage> messages = new();
    readonly Task acceptLoop;

    /// <param name="port">0 for any free port.</param>
    public SmtpSink(int port = 0)
    {
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = AcceptLoop();
    }

    public int Port { get; }

    /// <summary>Recipients the sink refuses with <c>550</c>, as a server does for an unknown mailbox.</summary>
    public Func<string, bool>? RejectRecipient { get; init; }

    public IReadOnlyList<MimeMessage> Messages => [.. messages];

    /// <summary>A port nothing listens on right now (to start a sink on later, or to simulate a server that is down).</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public IReadOnlyList<MimeMessage> To(string address, Func<MimeMessage, bool>? match = null) =>
        Messages.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)) && (match?.Invoke(m) ?? true)).ToList();

    /// <summary>Waits until a message to <paramref name="address"/> matching <paramref name="match"/> arrives.</summary>
    public async Task<MimeMessage> WaitFor(string address, Func<MimeMessage, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (To(address, match) is [var first, ..]) return first;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No mail to {address} arrived; the sink has {Messages.Count} message(s): {string.Join("; ", Messages.Select(m => $"{m.To} '{m.Subject}'"))}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived and returns them all.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForMessages(int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (messages.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{messages.Count} of {count} SMTP message(s) arrived.");
            await Task.Delay(50);
        }
        return Messages;
    }

    async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1, detectEncodingFromByteOrderMarks: false);
            await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 localhost TaskFlow test SMTP sink");
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                var command = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (command)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-localhost");
                        await writer.WriteLineAsync("250-8BITMIME");
                        await writer.WriteLineAsync("250 SMTPUTF8");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 localhost");
                        break;
                    case "RCPT" when RejectRecipient is { } reject && reject(Address(line)):
                        await writer.WriteLineAsync("550 5.1.1 Mailbox unavailable");
                        break;
                    case "MAIL":
                    case "RCPT":
                    case "RSET":
                    case "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(stop.Token) is { } dataLine && dataLine != ".")
                            data.Append(dataLine.StartsWith('.') ? dataLine[1..] : dataLine).Append("\r\n");
                        using (var raw = new MemoryStream(Encoding.Latin1.GetBytes(data.ToString())))
                            messages.Enqueue(await MimeMessage.LoadAsync(raw, stop.Token));
                        await writer.WriteLineAsync("250 OK: queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The client went away or the sink is stopping.
        }
    }

    /// <summary>The address of <c>RCPT TO:&lt;a@b&gt; …</c>.</summary>
    static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : line;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await acceptLoop;
        stop.Dispose();
    }
}
