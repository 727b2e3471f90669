using System.Text.RegularExpressions;
using Bunit;
using MudBlazor;
using TaskFlow.Web.Client.Layout;

namespace TaskFlow.Web.Tests;

/// <summary>
/// A prerendered page links <c>theme.css</c> instead of carrying MudThemeProvider's 11 KB of CSS variables in its
/// (uncompressed) HTML, and the light theme in the browser uses it too: the layout renders MudThemeProvider for the
/// dark palette only (its CSS is built by interpreted code on every first render)
/// (docs/adr/0015-web-first-load-second-pass.md). The file must be exactly what MudThemeProvider writes for the light
/// palette (scrollbar, chart and theme styles).
/// </summary>
[Trait("Category", "Components")]
public sealed partial class ThemeStylesheetTests : ComponentContext
{
    [Fact]
    public void Theme_css_is_what_MudThemeProvider_renders_for_the_light_palette()
    {
        var provider = Render<MudThemeProvider>(p => p.Add(t => t.Theme, AppTheme.Theme).Add(t => t.IsDarkMode, false));
        // The scrollbar, chart and theme styles, in the provider's order.
        var expected = Normalize(string.Join("\n", provider.FindAll("style").Select(s => s.TextContent)));
        var path = Path.Combine(RepositoryRoot(), "src", "Web.Client", "wwwroot", "theme.css");
        var actual = File.Exists(path) ? Normalize(File.ReadAllText(path)) : "";
        if (actual != expected)
        {
            var fresh = Path.Combine(Path.GetTempPath(), "theme.css");
            File.WriteAllText(fresh, Header + expected + "\n");
            Assert.Fail($"src/Web.Client/wwwroot/theme.css differs from MudThemeProvider's light theme: copy {fresh} over it.");
        }
    }

    const string Header = "/* Generated: MudThemeProvider's CSS for AppTheme's light palette (ThemeStylesheetTests checks it). */\n";

    static string Normalize(string css) => Whitespace().Replace(Comment().Replace(css, ""), " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TaskFlow.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("TaskFlow.slnx not found above " + AppContext.BaseDirectory);
    }
}
