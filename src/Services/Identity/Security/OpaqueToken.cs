using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TaskFlow.Identity.Security;

/// <summary>Random URL-safe tokens (refresh, reset, verification). Only their SHA-256 hash is stored.</summary>
internal static class OpaqueToken
{
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
