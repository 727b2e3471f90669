using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace TaskFlow.Web.Client.Components;

public static class Markdown
{
    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UseAutoLinks().Build();

    public static string ToSafeHtml(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "<p><em>Nothing to preview.</em></p>";
        var document = Markdig.Markdown.Parse(text, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
            if (!IsSafe(link.Url)) link.Url = "#";
        foreach (var link in document.Descendants<AutolinkInline>())
            if (!IsSafe(link.Url)) link.Url = "#";
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    static bool IsSafe(string? url)
    {
        if (string.IsNullOrEmpty(url)) return true;
        var trimmed = url.Trim();
        if (!trimmed.Contains(':', StringComparison.Ordinal)) return true;
        return trimmed.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);
    }
}
