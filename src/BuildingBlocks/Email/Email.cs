using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;
using TaskFlow.BuildingBlocks.Data;

namespace TaskFlow.BuildingBlocks.Email;

// ListUnsubscribe: a one-click unsubscribe URL for the List-Unsubscribe header (RFC 2369/8058), or null.
public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody = null, string? MessageId = null, string? ListUnsubscribe = null);

public interface IEmailSender
{
    Task Send(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>Configuration section <c>Email</c>. Without <c>Smtp:Host</c>, mail goes to the local sink under the data folder.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";
    public string From { get; set; } = "TaskFlow <no-reply@taskflow.local>";
    public SmtpOptions Smtp { get; set; } = new();

    public sealed class SmtpOptions
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 25;
        /// <summary><c>None</c>, <c>StartTls</c>, <c>SslOnConnect</c> or <c>Auto</c>.</summary>
        public string Security { get; set; } = "Auto";
        public string? User { get; set; }
        public string? Password { get; set; }
    }
}

static class MimeBuilder
{
    public static MimeMessage Build(EmailMessage message, EmailOptions options)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(options.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        if (message.MessageId is not null) mime.MessageId = message.MessageId;
        if (message.ListUnsubscribe is not null)
        {
            mime.Headers.Add("List-Unsubscribe", $"<{message.ListUnsubscribe}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }
}

public sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task Send(EmailMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host ?? "localhost", smtp.Port, Enum.Parse<SecureSocketOptions>(smtp.Security, ignoreCase: true), cancellationToken);
        if (smtp.User is { Length: > 0 }) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
        await client.SendAsync(MimeBuilder.Build(message, options.Value), cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}

/// <summary>
/// All-in-one mail sink: each message is an .eml file under <c>{DataDir}/mail</c>, named by its Message-Id, so the same
/// message sent again (a dispatcher killed after writing it and before recording that) is written once.
/// </summary>
public sealed class FileEmailSink(IOptions<EmailOptions> options, IConfiguration configuration) : IEmailSender
{
    public string Folder { get; } = Path.Combine(configuration.DataDir(), "mail");

    public async Task Send(EmailMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var name = FileName(message);
        var path = Path.Combine(Folder, name);
        if (File.Exists(path)) return;
        var temp = Path.Combine(Folder, $"{name}.{Guid.NewGuid():N}.tmp");
        await MimeBuilder.Build(message, options.Value).WriteToAsync(temp, cancellationToken);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Written meanwhile by another attempt of the same message: one file is the point.
            File.Delete(temp);
        }
    }

    /// <summary><c>{Message-Id}.eml</c> (characters unsafe in a file name replaced), or a time-ordered unique name for a message without one.</summary>
    public static string FileName(EmailMessage message)
    {
        if (message.MessageId is not { Length: > 0 } id) return $"{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.eml";
        var safe = string.Create(id.Trim('<', '>').Length, id.Trim('<', '>'), (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                span[i] = char.IsAsciiLetterOrDigit(source[i]) || source[i] is '.' or '-' or '_' or '@' ? source[i] : '_';
        });
        return safe + ".eml";
    }

    /// <summary>Every mail, oldest first (by the time its file was written).</summary>
    public IReadOnlyList<MimeMessage> List() =>
        Directory.Exists(Folder)
            ? new DirectoryInfo(Folder).GetFiles("*.eml").OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
                .Select(f => MimeMessage.Load(f.FullName)).ToList()
            : [];
}

public static class EmailSetup
{
    public static void AddEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section);
        if (builder.Configuration[$"{EmailOptions.Section}:Smtp:Host"] is { Length: > 0 })
            builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
        else
        {
            builder.Services.AddSingleton<FileEmailSink>();
            builder.Services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<FileEmailSink>());
        }
    }
}
