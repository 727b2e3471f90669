using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Data;
using TaskFlow.Notifications.Delivery;

namespace TaskFlow.Notifications.Sms;

/// <summary>Configuration section <c>Notifications:Sms</c>: provider and retries of text messages.</summary>
internal sealed class SmsOptions : DeliveryOptions
{
    public const string Section = "Notifications:Sms";

    /// <summary><c>local</c> (files under <c>{DataDir}/sms</c>, the default) or <c>twilio</c>.</summary>
    public string Provider { get; set; } = "local";

    /// <summary>Sender number (E.164) or messaging service sender.</summary>
    public string From { get; set; } = "+15005550006";

    public TwilioOptions Twilio { get; set; } = new();

    public LocalOptions Local { get; set; } = new();

    internal sealed class TwilioOptions
    {
        public Uri BaseUrl { get; set; } = new("https://api.twilio.com");
        public string? AccountSid { get; set; }
        public string? AuthToken { get; set; }
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
    }

    internal sealed class LocalOptions
    {
        /// <summary>Failure injection: the first N sends of this process fail like a provider outage (HTTP 503), to exercise retries.</summary>
        public int TransientFailures { get; set; }
    }
}

/// <summary>A send the provider refused. <see cref="Permanent"/>: retrying cannot help (invalid number, bad request); the message is dead at once.</summary>
internal sealed class SmsSendException(string message, bool permanent, int? code = null, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;

    /// <summary>The provider's error code, e.g. Twilio's 21211 (invalid 'To' number).</summary>
    public int? Code { get; } = code;
}

/// <summary>Sends one text message; returns the provider's message id, or throws <see cref="SmsSendException"/>.</summary>
internal interface ISmsSender
{
    Task<string> Send(string to, string from, string body, CancellationToken cancellationToken);
}

internal static partial class PhoneNumbers
{
    /// <summary>E.164: a plus, a non-zero country digit and up to 15 digits in all.</summary>
    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    public static partial Regex E164();

    /// <summary>Twilio's magic test number that its API always refuses with 21211.</summary>
    public const string TwilioInvalid = "+15005550001";
}

/// <summary>
/// Twilio's Messages API: <c>POST {BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c>, form-encoded
/// <c>To</c>/<c>From</c>/<c>Body</c>, basic auth with the account SID and auth token. 2xx → sent (<c>sid</c>);
/// 4xx other than 408/429 → permanent (e.g. 21211 invalid number); 408, 429, 5xx and network errors → retried.
/// </summary>
internal sealed class TwilioSmsSender(IHttpClientFactory http, IOptions<SmsOptions> options) : ISmsSender
{
    public const string ClientName = "twilio";

    public async Task<string> Send(string to, string from, string body, CancellationToken cancellationToken)
    {
        var twilio = options.Value.Twilio;
        var client = http.CreateClient(ClientName);
        var url = new Uri(twilio.BaseUrl, $"/2010-04-01/Accounts/{Uri.EscapeDataString(twilio.AccountSid ?? "")}/Messages.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent([new("To", to), new("From", from), new("Body", body)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new SmsSendException($"Twilio unreachable: {ex.Message}", permanent: false, inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SmsSendException("Twilio timed out.", permanent: false, inner: ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
                return TryRead(text, "sid") ?? "";
            var status = (int)response.StatusCode;
            var code = int.TryParse(TryRead(text, "code"), out var c) ? c : (int?)null;
            var message = TryRead(text, "message") ?? response.ReasonPhrase ?? "error";
            var permanent = status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);
            throw new SmsSendException($"Twilio {status}{(code is null ? "" : $" ({code})")}: {message}", permanent, code);
        }
    }

    static string? TryRead(string json, string property)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(property, out var value)
                ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// All-in-one stand-in for the provider that behaves like it: each message is a JSON file under <c>{DataDir}/sms</c>;
/// a number that is not E.164 (or Twilio's invalid test number) is refused like Twilio's 21211, permanently;
/// <see cref="SmsOptions.LocalOptions.TransientFailures"/> makes the first sends fail like an outage.
/// </summary>
internal sealed class LocalSmsSender(IConfiguration configuration, IOptions<SmsOptions> options) : ISmsSender
{
    int failures;

    public string Folder { get; } = Path.Combine(configuration.DataDir(), "sms");

    public async Task<string> Send(string to, string from, string body, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref failures) <= options.Value.Local.TransientFailures)
            throw new SmsSendException("Local SMS 503 (20503): Service unavailable (injected failure).", permanent: false, code: 20503);
        if (!PhoneNumbers.E164().IsMatch(to) || to == PhoneNumbers.TwilioInvalid)
            throw new SmsSendException($"Local SMS 400 (21211): The 'To' number {to} is not a valid phone number.", permanent: true, code: 21211);

        Directory.CreateDirectory(Folder);
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var name = $"{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{sid}.json";
        var temp = Path.Combine(Folder, name + ".tmp");
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(new LocalSms(sid, to, from, body, DateTime.UtcNow), Json), cancellationToken);
        File.Move(temp, Path.Combine(Folder, name));
        return sid;
    }

    public IReadOnlyList<LocalSms> List() =>
        Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal)
                .Select(f => JsonSerializer.Deserialize<LocalSms>(File.ReadAllText(f), Json)!).ToList()
            : [];

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>A message the local sender wrote.</summary>
internal sealed record LocalSms(string Sid, string To, string From, string Body, DateTime DateCreated);
