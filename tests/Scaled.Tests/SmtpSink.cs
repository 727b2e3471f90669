using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// A minimal SMTP server on a free loopback port that keeps every message it receives
/// (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no auth: services use <c>Email:Smtp:Security=None</c>).
/// </summary>
sealed class SmtpSink : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stopping = new();
    readonly List<MimeMessage> messages = [];
    readonly Lock gate = new();
    readonly Task acceptLoop;

    public SmtpSink()
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = Accept();
    }

    public int Port { get; }

    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            lock (gate) return messages.ToList();
        }
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

    async Task Accept()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            _ = Serve(client);
        }
    }

    async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 sink.local ESMTP test sink");
            while (await reader.ReadLineAsync(stopping.Token) is { } line)
            {
                var verb = (line.Length >= 4 ? line[..4] : line).ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-sink.local");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO" or "MAIL" or "RCPT" or "RSET" or "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(stopping.Token) is { } dataLine && dataLine != ".")
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        using (var raw = new MemoryStream(Encoding.UTF8.GetBytes(data.ToString())))
                        {
                            var message = await MimeMessage.LoadAsync(raw, stopping.Token);
                            lock (gate) messages.Add(message);
                        }
                        await writer.WriteLineAsync("250 OK queued");
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
        catch (Exception) when (stopping.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await acceptLoop;
        stopping.Dispose();
    }
}
