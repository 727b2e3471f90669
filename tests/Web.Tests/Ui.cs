using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace TaskFlow.Web.Tests;

/// <summary>Locators and gestures several browser tests share.</summary>
internal static class Ui
{
    public static ILocator Column(IPage page, string status) => page.Locator($"[data-testid=board-column][data-status='{status}']");

    /// <summary>The MudSelect whose input has the id <paramref name="inputId"/>.</summary>
    public static ILocator Select(IPage page, string inputId) => page.Locator(".mud-select", new() { Has = page.Locator("#" + inputId) });

    /// <summary>Opens the MudSelect and picks the option with exactly <paramref name="text"/>.</summary>
    public static async Task Choose(IPage page, ILocator field, string text)
    {
        await field.First.ClickAsync();
        var option = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(text)}\\s*$") });
        await option.First.ClickAsync();
    }
}
