using System.Text.RegularExpressions;

namespace TaskFlow.Identity.Security;

/// <summary>Field rules shared by several endpoints. Each returns an error message or null.</summary>
internal static partial class Rules
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 128;

    static readonly HashSet<string> CommonPasswords = new(StringComparer.OrdinalIgnoreCase)
    {
        "1234567890", "12345678910", "0123456789", "0987654321", "1111111111", "password12", "password123",
        "password1234", "passw0rd12", "qwertyuiop", "qwerty1234", "qwerty12345", "1q2w3e4r5t", "1qaz2wsx3edc",
        "abcdefghij", "abc1234567", "iloveyou12", "letmein123", "welcome123", "changeme123", "administrator",
        "sunshine12", "football12", "baseball12", "princess12", "trustno1234", "superman12", "starwars12",
        "asdfghjkl1", "zaq12wsxcde", "monkey1234", "dragon1234", "master1234", "p@ssw0rd12", "p@ssword123",
    };

    public static string? Email(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return "Email is required.";
        var trimmed = email.Trim();
        if (trimmed.Length > 254 || !EmailPattern().IsMatch(trimmed)) return "Email is not a valid address.";
        return null;
    }

    public static string? Password(string? password)
    {
        if (string.IsNullOrEmpty(password)) return "Password is required.";
        if (password.Length < MinPasswordLength) return $"Password must be at least {MinPasswordLength} characters.";
        if (password.Length > MaxPasswordLength) return $"Password must be at most {MaxPasswordLength} characters.";
        if (password.All(c => c == password[0])) return "Password must not repeat a single character.";
        if (CommonPasswords.Contains(password)) return "Password is too common.";
        return null;
    }

    public static string? DisplayName(string? displayName)
    {
        if (string.IsNullOrWhiteSpace(displayName)) return "Display name is required.";
        if (displayName.Trim().Length > 100) return "Display name must be at most 100 characters.";
        return null;
    }

    public static string? AvatarUrl(string avatarUrl) =>
        avatarUrl.Length <= 2048
        && Uri.TryCreate(avatarUrl, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? null
            : "Avatar URL must be an absolute http or https URL.";

    /// <summary>Returns the canonical IANA id, or null when unknown.</summary>
    public static string? FindTimeZone(string timeZone) =>
        // The pattern keeps ids like "../x" away from the zoneinfo file lookup.
        timeZone.Length <= 64 && TimeZonePattern().IsMatch(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone)
            ? zone.Id
            : null;

    // With InvariantGlobalization CultureInfo accepts any name, so the BCP 47 shape is checked instead.
    public static bool IsLocale(string locale) => LocalePattern().IsMatch(locale);

    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+){0,2}$")]
    private static partial Regex TimeZonePattern();

    [GeneratedRegex("^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2}|-[0-9]{3})?$")]
    private static partial Regex LocalePattern();
}
