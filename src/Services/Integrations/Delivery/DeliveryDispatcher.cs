using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskFlow.BuildingBlocks.Delivery;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Delivery;

/// <summary>The <c>TaskFlow-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c>.</summary>
internal static class Signature
{
    public static string Header(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }
}

/// <summary>
/// Sends due deliveries: a <see cref="DurableDelivery{TDb, TRow}"/> (lease renewed while working, so several processes
/// share the database and a killed one's deliveries are picked up within a lease) that sends a batch in parallel and
/// records it in one write. A 2xx answer is success; anything else (including a redirect, which is never followed) is
/// retried with exponential backoff until <see cref="IntegrationsOptions.MaxAttempts"/>, then the delivery is marked failed.
/// Receivers de-duplicate by the <c>TaskFlow-Delivery</c> header (the row's id), which a resend after a crash repeats.
/// </summary>
internal sealed class DeliveryDispatcher(
    IServiceProvider services,
    IHttpClientFactory clients,
    SecretProtection protection,
    IOptions<IntegrationsOptions> options,
    ILogger<DeliveryDispatcher> logger) : DurableDelivery<IntegrationsDb, Data.Delivery>(services, logger)
{
    public const string ClientName = "integrations-webhooks";

    protected override string Kind => "Webhook delivery";

    protected override DeliveryPolicy Policy
    {
        get
        {
            var o = options.Value;
            return new(o.MaxAttempts, Backoff, o.PollInterval, o.Lease, 20);
        }
    }

    protected override DateTime UtcNow => Clock.UtcNow();

    protected override Expression<Func<Data.Delivery, bool>> Due(DateTime now) => d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now;

    protected override Expression<Func<Data.Delivery, DateTime>> Order => d => d.NextAttemptAt;

    protected override bool OneAtATime => false;

    protected override async Task<Exception?[]> SendBatch(IntegrationsDb db, IReadOnlyList<Data.Delivery> claimed, CancellationToken ct)
    {
        var hookIds = claimed.Select(d => d.WebhookId).Distinct().ToList();
        // Each webhook's URL and secret are decrypted once per batch, not once per delivery.
        var targets = (await db.Webhooks.AsNoTracking().Where(w => hookIds.Contains(w.Id)).ToListAsync(ct)).ToDictionary(w => w.Id, Target);
        // Sends run in parallel; their outcomes are written afterwards through the one DbContext.
        return await Task.WhenAll(claimed.Select(d => targets.TryGetValue(d.WebhookId, out var target)
            ? target is null ? Task.FromResult<Exception?>(Fail(d, "The webhook's secret or URL cannot be decrypted (key ring).")) : Send(target, d, ct)
            : Task.FromResult<Exception?>(Fail(d, "The webhook no longer exists."))));
    }

    static Exception Fail(Data.Delivery delivery, string error)
    {
        (delivery.LastAttemptAt, delivery.ResponseCode, delivery.DurationMs) = (Clock.UtcNow(), null, 0);
        return new DeliveryFailedException(error);
    }

    /// <summary>Where and how to send: the real URL and the signing secret, decrypted.</summary>
    sealed record SendTarget(Guid WebhookId, string Url, string Secret);

    SendTarget? Target(Webhook hook)
    {
        try
        {
            return new SendTarget(hook.Id, protection.TargetUrl(hook), protection.Secret(hook));
        }
        catch (CryptographicException)
        {
            // The key that encrypted them is not in the key ring (lost or from another key ring); the exception names no secret.
            logger.LogError("Webhook {WebhookId}: its secret or URL cannot be decrypted with this service's key ring", hook.Id);
            return null;
        }
    }

    /// <summary>Sends one delivery; its status code and duration are set on the row, the failure (if any) returned.</summary>
    async Task<Exception?> Send(SendTarget hook, Data.Delivery delivery, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        delivery.ResponseCode = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url)
            {
                Content = new StringContent(delivery.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.Add("TaskFlow-Event", delivery.EventKind);
            request.Headers.Add("TaskFlow-Delivery", delivery.Id.ToString());
            request.Headers.Add("TaskFlow-Signature", Signature.Header(hook.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), delivery.Body));
            request.Headers.UserAgent.ParseAdd("TaskFlow-Webhooks/1.0");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.RequestTimeout);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            delivery.ResponseCode = code;
            return response.IsSuccessStatusCode ? null : new DeliveryFailedException($"The endpoint answered {code}.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DeliveryFailedException("The request timed out.");
        }
        catch (HttpRequestException ex)
        {
            // The exception text is ours (NetworkGuard) or the socket's; it names no secret, so the log may show it.
            var blocked = ex as BlockedAddressException ?? ex.InnerException as BlockedAddressException;
            logger.LogInformation("Webhook {WebhookId} delivery {DeliveryId} failed: {Reason}", hook.WebhookId, delivery.Id, ex.Message);
            return new DeliveryFailedException(blocked is not null ? blocked.Message : "Could not connect: " + ex.HttpRequestError.ToString());
        }
        finally
        {
            (delivery.LastAttemptAt, delivery.DurationMs) = (Clock.UtcNow(), (int)watch.ElapsedMilliseconds);
        }
    }

    protected override void Succeeded(Data.Delivery delivery, DateTime now)
    {
        delivery.Attempts++;
        delivery.Status = DeliveryStatus.Succeeded;
        delivery.Error = null;
    }

    protected override void Retry(Data.Delivery delivery, string error, DateTime next, DateTime now)
    {
        delivery.Error = error;
        delivery.NextAttemptAt = next;
    }

    protected override void Dead(IntegrationsDb db, Data.Delivery delivery, string error, DateTime now)
    {
        delivery.Error = error;
        delivery.Status = DeliveryStatus.Failed;
    }

    TimeSpan Backoff(int attempts)
    {
        var o = options.Value;
        var delay = o.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempts - 1) * (0.8 + Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Min(delay, o.MaxRetryDelay.TotalMilliseconds));
    }
}
