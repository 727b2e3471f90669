using System.Text.RegularExpressions;
using TaskFlow.Projects.Data;

namespace TaskFlow.Projects.Features;

/// <summary>A label of a project.</summary>
/// <param name="Id">Label id.</param>
/// <param name="Name">1–50 characters, unique in the project (case-insensitive).</param>
/// <param name="Color">#RRGGBB.</param>
internal sealed record LabelResponse(Guid Id, string Name, string Color)
{
    public static LabelResponse From(Label l) => new(l.Id, l.Name, l.Color);
}

internal static partial class LabelFields
{
    public const int NameMax = 50;

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColorPattern();

    public static void ValidateColor(string? color, bool required, Dictionary<string, string[]> errors)
    {
        if (color is null && !required) return;
        if (color is null || !ColorPattern().IsMatch(color)) errors["color"] = ["The color must be #RRGGBB, e.g. #1F6FEB."];
    }

    public static string Normalize(string name) => name.ToLowerInvariant();
}
