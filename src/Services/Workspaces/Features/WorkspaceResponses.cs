using System.Security.Claims;
using System.Text;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Workspaces.Data;

namespace TaskFlow.Workspaces.Features;

/// <summary>A workspace as one member sees it.</summary>
/// <param name="Id">Workspace id.</param>
/// <param name="Name">Display name, 1–100 characters.</param>
/// <param name="Slug">URL-friendly unique name derived from the name at creation; it does not change on rename.</param>
/// <param name="Role">The caller's role: owner, admin, member or viewer.</param>
/// <param name="CreatedAt">When the workspace was created (UTC).</param>
internal sealed record WorkspaceSummary(Guid Id, string Name, string Slug, string Role, DateTime CreatedAt);

/// <summary>A workspace with its member count.</summary>
/// <param name="Id">Workspace id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Slug">URL-friendly unique name.</param>
/// <param name="Role">The caller's role.</param>
/// <param name="CreatedAt">When the workspace was created (UTC).</param>
/// <param name="MemberCount">How many members it has.</param>
internal sealed record WorkspaceDetails(Guid Id, string Name, string Slug, string Role, DateTime CreatedAt, int MemberCount);

/// <summary>A member of a workspace.</summary>
/// <param name="UserId">The member's user id.</param>
/// <param name="Email">Email address, kept current from the identity service.</param>
/// <param name="DisplayName">Display name, kept current from the identity service.</param>
/// <param name="Role">owner, admin, member or viewer.</param>
/// <param name="JoinedAt">When the user joined (UTC).</param>
internal sealed record MemberResponse(Guid UserId, string Email, string DisplayName, string Role, DateTime JoinedAt)
{
    public static MemberResponse From(Membership m) => new(m.UserId, m.Email, m.DisplayName, m.Role.ToName(), m.JoinedAt);
}

internal static class WorkspaceNames
{
    public const int MaxLength = 100;

    /// <summary>Trims <paramref name="name"/>; adds an error under <c>name</c> unless 1–100 characters remain.</summary>
    public static Dictionary<string, string[]> Validate(string? name, out string trimmed)
    {
        trimmed = name?.Trim() ?? "";
        var errors = new Dictionary<string, string[]>();
        if (trimmed.Length == 0) errors["name"] = ["A name is required."];
        else if (trimmed.Length > MaxLength) errors["name"] = [$"The name must be at most {MaxLength} characters."];
        return errors;
    }

    /// <summary>Lowercase ASCII letters and digits joined by single hyphens, e.g. "Acme Café Team" → "acme-cafe-team".</summary>
    public static string Slugify(string name)
    {
        var slug = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            // The process runs with invariant globalization (no Unicode decomposition), so fold common Latin accents by table.
            var folded = char.IsAsciiLetterOrDigit(c) ? c.ToString() : Fold(c);
            if (folded.Length > 0) slug.Append(folded);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
            if (slug.Length >= 60) break;
        }
        var result = slug.ToString().Trim('-');
        return result.Length > 0 ? result : "workspace";
    }

    static readonly (string From, string To)[] Accents =
    [
        ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđ", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"),
        ("ìíîïĩīĭįı", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"), ("òóôõöøōŏő", "o"),
        ("ŕŗř", "r"), ("śŝşš", "s"), ("ţťŧ", "t"), ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
        ("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("þ", "th"), ("ð", "d"),
    ];

    static string Fold(char c)
    {
        foreach (var (from, to) in Accents)
            if (from.Contains(c, StringComparison.Ordinal)) return to;
        return "";
    }
}

internal static class Claims
{
    public static string EmailOrEmpty(this ClaimsPrincipal user) => user.Email() ?? "";

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue("name") is { Length: > 0 } name ? name
        : user.Email() is { } email ? email.Split('@')[0]
        : "Unknown";

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
