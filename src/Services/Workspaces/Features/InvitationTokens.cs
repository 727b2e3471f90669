using System.Buffers.Text;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;

namespace TaskFlow.Workspaces.Features;

internal static class InvitationTokens
{
    /// <summary>32 random bytes, URL-safe base64 without padding.</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Only this hash is stored, so a copy of the database cannot accept invitations.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

internal static class Emails
{
    public const int MaxLength = 254;

    public static bool IsValid(string email) =>
        email.Length <= MaxLength
        && MailAddress.TryCreate(email, out var address)
        && address.Address == email
        && address.Host.Length > 0;
}
