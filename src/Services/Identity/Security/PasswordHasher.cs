using System.Globalization;
using System.Security.Cryptography;

namespace TaskFlow.Identity.Security;

internal enum PasswordCheck { Failed, Succeeded, SucceededNeedsRehash }

/// <summary>
/// PBKDF2-HMAC-SHA512 (OWASP: 210,000 iterations), 16-byte salt, 32-byte hash, stored self-describing as
/// <c>$pbkdf2-sha512$v=1$i=210000$&lt;salt&gt;$&lt;hash&gt;</c> so the parameters can be raised later: a hash made with
/// older parameters still verifies and is replaced at the next successful sign-in.
/// </summary>
internal static class PasswordHasher
{
    public const int Iterations = 210_000;
    const string Algorithm = "pbkdf2-sha512";
    const int Version = 1;
    const int SaltSize = 16;
    const int HashSize = 32;

    /// <summary>A hash of a random password, verified against for unknown emails so both answers take as long.</summary>
    public static readonly string DummyHash = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    public static string Hash(string password) => Hash(password, Iterations);

    internal static string Hash(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA512, HashSize);
        return string.Create(CultureInfo.InvariantCulture, $"${Algorithm}$v={Version}$i={iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    public static PasswordCheck Verify(string stored, string password)
    {
        if (!TryParse(stored, out var iterations, out var salt, out var expected)) return PasswordCheck.Failed;
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected)) return PasswordCheck.Failed;
        return iterations < Iterations || salt.Length < SaltSize || expected.Length < HashSize
            ? PasswordCheck.SucceededNeedsRehash
            : PasswordCheck.Succeeded;
    }

    static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts is not ["", Algorithm, var version, var count, var saltText, var hashText]) return false;
        if (version != "v=" + Version.ToString(CultureInfo.InvariantCulture)) return false;
        if (!count.StartsWith("i=", StringComparison.Ordinal)
            || !int.TryParse(count.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations is < 1 or > 10_000_000)
            return false;
        try
        {
            salt = Convert.FromBase64String(saltText);
            hash = Convert.FromBase64String(hashText);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length > 0 && hash.Length > 0;
    }
}
