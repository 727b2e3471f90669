using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Integrations.Data;

/// <summary>
/// The upgrade step of migration <c>EncryptedSecrets</c>: encrypts the secrets and Slack URLs that earlier releases
/// stored in plain text and clears the plain-text column. Runs at every start, after the migrations (it is registered
/// after them, and hosted services start one after another); rows already converted are not selected, so it is
/// idempotent, and two instances converting the same row at once write equivalent values. Until it has run (a row
/// written by an older instance during a rolling upgrade) the readers in <see cref="SecretProtection"/> fall back to
/// the plain text. Logs counts only, never a value.
/// </summary>
internal sealed class EncryptSecretsOnStart(IServiceProvider services, SecretProtection protection, ILogger<EncryptSecretsOnStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        protection.LoadKeyRing();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IntegrationsDb>();
        var (hooks, configs) = await Run(db, protection, cancellationToken);
        if (hooks + configs > 0) logger.LogInformation("Encrypted the plain-text secrets of {Webhooks} webhooks and {GitHubConfigs} GitHub integrations", hooks, configs);
    }

    internal static async Task<(int Webhooks, int GitHubConfigs)> Run(IntegrationsDb db, SecretProtection protection, CancellationToken ct)
    {
        var hooks = await db.Webhooks.Where(w => w.PlainSecret != null || (w.Kind == WebhookKinds.Slack && w.UrlCipher == null)).ToListAsync(ct);
        foreach (var hook in hooks)
        {
            if (hook.PlainSecret is { } secret) protection.SetSecret(hook, secret);
            if (hook.Kind == WebhookKinds.Slack && hook.UrlCipher is null) protection.SetUrl(hook, hook.Url);
        }
        var configs = await db.GitHubConfigs.Where(c => c.PlainSecret != null).ToListAsync(ct);
        foreach (var config in configs) protection.SetSecret(config, config.PlainSecret!);
        await db.SaveChangesAsync(ct);
        return (hooks.Count, configs.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
