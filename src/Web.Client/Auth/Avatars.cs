namespace TaskFlow.Web.Client.Auth;

public static class Avatars
{
    /// <summary>"Ada Lovelace" → "AL", "ada@example.com" → "A".</summary>
    public static string Initials(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "?";
        var words = name.Split([' ', '.', '_', '-', '@'], StringSplitOptions.RemoveEmptyEntries);
        if (name.Contains('@', StringComparison.Ordinal)) words = [words[0]];
        return string.Concat(words.Take(2).Select(w => char.ToUpperInvariant(w[0])));
    }
}
