using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
/// Sends due deliveries. Instances claim a batch with a lease (an UPDATE only one of them can win, as the event outbox
/// does), so several processes can share the database without sending a delivery twice at the same time. A 2xx answer
/// is success; anything else (including a redirect, which is never followed) is retried with exponential backoff until
/// <see cref="IntegrationsOptions.MaxAttempts"/>, then the delivery is marked failed.
/// </summary>
internal sealed class DeliveryDispatcher(
    IServiceProvider services,
    IHttpClientFactory clients,
    SecretProtection protection,
    IOptions<IntegrationsOptions> options,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    public const string ClientName = "integrations-webhooks";
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    readonly string instance = InstanceName();

    /// <summary>Unique per dispatcher, within the 100 characters of <see cref="Data.Delivery.LockedBy"/>; a long machine name is what gets cut.</summary>
    static string InstanceName()
    {
        var name = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        return name.Length <= 100 ? name : name[^100..];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DispatchBatch(stoppingToken) > 0) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Webhook dispatch failed; retrying");
            }
            try
            {
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task<int> DispatchBatch(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IntegrationsDb>();
        var now = DateTime.UtcNow;
        var candidates = await db.Deliveries
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => d.Id)
            .Take(20)
            .ToListAsync(ct);
        if (candidates.Count == 0) return 0;

        var until = now + Lease;
        await db.Deliveries
            .Where(d => candidates.Contains(d.Id) && d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedBy, instance).SetProperty(d => d.LockedUntil, until), ct);
        var claimed = await db.Deliveries.Where(d => candidates.Contains(d.Id) && d.LockedBy == instance && d.LockedUntil == until).ToListAsync(ct);
        if (claimed.Count == 0) return 0;

        var hookIds = claimed.Select(d => d.WebhookId).Distinct().ToList();
        // Each webhook's URL and secret are decrypted once per batch, not once per delivery.
        var targets = (await db.Webhooks.AsNoTracking().Where(w => hookIds.Contains(w.Id)).ToListAsync(ct)).ToDictionary(w => w.Id, Target);
        // Sends run in parallel; their outcomes are written afterwards through the one DbContext.
        var outcomes = await Task.WhenAll(claimed.Select(d => targets.TryGetValue(d.WebhookId, out var target)
            ? target is null ? Task.FromResult(new Outcome(false, null, 0, "The webhook's secret or URL cannot be decrypted (key ring).")) : Send(target, d, ct)
            : Task.FromResult(new Outcome(false, null, 0, "The webhook no longer exists."))));
        for (var i = 0; i < claimed.Count; i++) Record(claimed[i], outcomes[i]);
        await db.SaveChangesAsync(CancellationToken.None);
        return claimed.Count;
    }

    sealed record Outcome(bool Success, int? StatusCode, int DurationMs, string? Error);

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

    async Task<Outcome> Send(SendTarget hook, Data.Delivery delivery, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
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
            var ok = response.IsSuccessStatusCode;
            return new Outcome(ok, code, (int)watch.ElapsedMilliseconds, ok ? null : $"The endpoint answered {code}.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(false, null, (int)watch.ElapsedMilliseconds, "The request timed out.");
        }
        catch (HttpRequestException ex)
        {
            // The exception text is ours (NetworkGuard) or the socket's; it names no secret, so the log may show it.
            var blocked = ex as BlockedAddressException ?? ex.InnerException as BlockedAddressException;
            logger.LogInformation("Webhook {WebhookId} delivery {DeliveryId} failed: {Reason}", hook.WebhookId, delivery.Id, ex.Message);
            return new Outcome(false, null, (int)watch.ElapsedMilliseconds, blocked is not null ? blocked.Message : "Could not connect: " + (ex.HttpRequestError.ToString()));
        }
    }

    void Record(Data.Delivery delivery, Outcome outcome)
    {
        var now = Clock.UtcNow();
        delivery.Attempts++;
        (delivery.LastAttemptAt, delivery.ResponseCode, delivery.DurationMs, delivery.Error) = (now, outcome.StatusCode, outcome.DurationMs, outcome.Error);
        (delivery.LockedBy, delivery.LockedUntil) = (null, null);
        if (outcome.Success) delivery.Status = DeliveryStatus.Succeeded;
        else if (delivery.Attempts >= options.Value.MaxAttempts) delivery.Status = DeliveryStatus.Failed;
        else delivery.NextAttemptAt = now + Backoff(delivery.Attempts);
    }

    TimeSpan Backoff(int attempts)
    {
        var o = options.Value;
        var delay = o.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempts - 1) * (0.8 + Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Min(delay, o.MaxRetryDelay.TotalMilliseconds));
    }
}
