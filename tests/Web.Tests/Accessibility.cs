using System.Text.Json;
using Microsoft.Playwright;

namespace TaskFlow.Web.Tests;

/// <summary>axe-core in the page under test (tests/Web.Tests/axe/axe.min.js, 4.14.1, committed: works offline).</summary>
public static class Accessibility
{
    static readonly Lazy<string> Script = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js")));

    /// <summary>
    /// Runs axe-core (WCAG 2.x A/AA and best-practice rules) on the page as it is now and fails listing every serious or
    /// critical violation with its rule, help and the offending elements. <paramref name="exclude"/>: CSS selectors to
    /// leave out (a third-party widget the test cannot change).
    /// </summary>
    public static async Task AssertNoSeriousViolations(IPage page, params string[] exclude)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
            // Evaluated, not added as a <script>: the app's Content-Security-Policy refuses inline scripts (docs/adr/0027).
            await page.EvaluateAsync(Script.Value + "\n;0");
        // Colours are judged as they settle: a button just enabled fades from grey to its colour over MudBlazor's transition,
        // and axe would read the colour halfway. The page's own transitions are skipped for the check and restored after.
        var json = await page.EvaluateAsync<string>("""
            async exclude => {
              const still = document.createElement('style');
              still.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
              document.head.appendChild(still);
              await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
              try {
              const context = exclude.length ? { exclude: exclude.map(s => [s]) } : document;
              const result = await axe.run(context, { resultTypes: ['violations'] });
              return JSON.stringify(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' ' + (n.html || '').slice(0, 160) + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ')) })));
              } finally { still.remove(); }
            }
            """, exclude);
        var violations = JsonSerializer.Deserialize<List<Violation>>(json, JsonSerializerOptions.Web)!;
        if (violations.Count == 0) return;
        Assert.Fail($"axe-core found {violations.Count} serious or critical violation(s) on {page.Url}:\n" + string.Join('\n', violations.Select(v =>
            $"- {v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes))));
    }

    sealed record Violation(string Id, string Impact, string Help, string[] Nodes);
}
