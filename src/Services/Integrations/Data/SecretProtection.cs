using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace TaskFlow.Integrations.Data;

/// <summary>
/// Encrypts the credentials this service keeps (webhook signing secrets, Slack incoming-webhook URLs, GitHub webhook
/// secrets) with ASP.NET Core Data Protection, one purpose per kind of secret, so a cipher text of one kind cannot be
/// read as another. Rows written before encryption existed keep their plain text in a legacy column until
/// <see cref="EncryptSecretsOnStart"/> converts them; the readers here accept both.
/// </summary>
internal sealed class SecretProtection(IDataProtectionProvider provider)
{
    public const string WebhookSecretPurpose = "TaskFlow.Integrations.WebhookSecret.v1";
    public const string SlackUrlPurpose = "TaskFlow.Integrations.SlackUrl.v1";
    public const string GitHubSecretPurpose = "TaskFlow.Integrations.GitHubSecret.v1";

    readonly IDataProtector webhookSecret = provider.CreateProtector(WebhookSecretPurpose);
    readonly IDataProtector slackUrl = provider.CreateProtector(SlackUrlPurpose);
    readonly IDataProtector gitHubSecret = provider.CreateProtector(GitHubSecretPurpose);

    /// <summary>
    /// Loads the key ring, creating the first key if there is none, so an instance that starts later reads that key
    /// instead of making its own (an instance caches its key ring, and another's new key is seen only at a refresh).
    /// </summary>
    public void LoadKeyRing() => webhookSecret.Unprotect(webhookSecret.Protect("key ring check"));

    /// <summary>Sets the webhook's signing secret (encrypted; the legacy plain column is cleared).</summary>
    public void SetSecret(Webhook hook, string secret) => (hook.SecretCipher, hook.PlainSecret) = (webhookSecret.Protect(secret), null);

    /// <summary>Sets where deliveries go: a Slack URL is a credential, so it is stored encrypted and only a mask is kept in <see cref="Webhook.Url"/>.</summary>
    public void SetUrl(Webhook hook, string url)
    {
        if (hook.Kind == WebhookKinds.Slack) (hook.Url, hook.UrlCipher) = (UrlMask.Mask(url), slackUrl.Protect(url));
        else (hook.Url, hook.UrlCipher) = (url, null);
    }

    public void SetSecret(GitHubConfig config, string secret) => (config.SecretCipher, config.PlainSecret) = (gitHubSecret.Protect(secret), null);

    /// <exception cref="CryptographicException">The key that encrypted it is not in the key ring (or the cipher text was altered).</exception>
    public string Secret(Webhook hook) =>
        hook.SecretCipher is { } cipher ? webhookSecret.Unprotect(cipher) : hook.PlainSecret ?? throw new CryptographicException("The webhook has no secret.");

    /// <summary>The real target URL (the Slack URL decrypted).</summary>
    /// <exception cref="CryptographicException">The key that encrypted it is not in the key ring.</exception>
    public string TargetUrl(Webhook hook) => hook.UrlCipher is { } cipher ? slackUrl.Unprotect(cipher) : hook.Url;

    /// <exception cref="CryptographicException">The key that encrypted it is not in the key ring.</exception>
    public string Secret(GitHubConfig config) =>
        config.SecretCipher is { } cipher ? gitHubSecret.Unprotect(cipher) : config.PlainSecret ?? throw new CryptographicException("The integration has no secret.");
}

/// <summary>Shows where a credential URL points without revealing it: <c>https://hooks.slack.com/services/T…/…abcd</c>.</summary>
internal static class UrlMask
{
    public static string Mask(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return "…";
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var last = segments.Length > 0 ? segments[^1] : "";
        var tail = last.Length >= 8 ? last[^4..] : "";
        var head = segments.Length >= 3 ? $"{segments[0]}/{segments[1][..1]}…/" : "";
        return $"{uri.Scheme}://{uri.Authority}/{head}…{tail}";
    }
}
