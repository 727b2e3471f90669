using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using ScottPlot;
using TaskFlow.Reporting.Features;

namespace TaskFlow.Reporting.Exports;

/// <summary>
/// The project status report as PDF (PDFsharp 6.2.4): title, the summary's figures, throughput and cumulative flow
/// charts drawn by ScottPlot as PNG, and the overdue tasks. Text uses DejaVu Sans from <c>Reporting:Pdf:FontDirectory</c>
/// (default Debian's fonts-dejavu-core, <c>/usr/share/fonts/truetype/dejavu</c>) for both PDFsharp and ScottPlot.
/// </summary>
internal static class PdfReport
{
    public const string Family = "DejaVu Sans";
    static readonly Lock Gate = new();
    static string? fontDirectory;

    /// <summary>Registers the fonts once per process (PDFsharp's resolver is global and cannot change once used).</summary>
    public static void UseFonts(string directory)
    {
        lock (Gate)
        {
            if (fontDirectory is not null) return;
            foreach (var file in new[] { "DejaVuSans.ttf", "DejaVuSans-Bold.ttf" })
                if (!File.Exists(Path.Combine(directory, file)))
                    throw new FileNotFoundException($"The PDF report needs {file} in {directory} (shipped in the Reporting service's Fonts folder; setting Reporting:Pdf:FontDirectory).");
            GlobalFontSettings.FontResolver ??= new DejaVuResolver(directory);
            Fonts.AddFontFile(Family, Path.Combine(directory, "DejaVuSans.ttf"), bold: false, italic: false);
            Fonts.AddFontFile(Family, Path.Combine(directory, "DejaVuSans-Bold.ttf"), bold: true, italic: false);
            fontDirectory = directory;
        }
    }

    public sealed record Content(
        string ProjectName, string ProjectKey, DateOnly Today, string TimeZone, Summary.Response Summary, Throughput.Response Throughput,
        CumulativeFlow.Response Flow, Overdue.Response Overdue);

    public static string Title(string projectName) => $"Project status report: {projectName}";

    public static byte[] Write(Content c)
    {
        using var document = new PdfDocument();
        document.Info.Title = Title(c.ProjectName);
        document.Info.Creator = "TaskFlow";
        var page = document.AddPage();
        page.Width = XUnit.FromMillimeter(210);
        page.Height = XUnit.FromMillimeter(297);
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var title = new XFont(Family, 18, XFontStyleEx.Bold);
            var heading = new XFont(Family, 12, XFontStyleEx.Bold);
            var body = new XFont(Family, 10, XFontStyleEx.Regular);
            double x = 40, y = 50;
            gfx.DrawString(Title(c.ProjectName), title, XBrushes.Black, x, y);
            y += 20;
            gfx.DrawString($"{c.ProjectKey} · as of {c.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} ({c.TimeZone})", body, XBrushes.DimGray, x, y);
            y += 28;

            gfx.DrawString("Summary", heading, XBrushes.Black, x, y);
            y += 16;
            var s = c.Summary;
            var figures = new (string, string)[]
            {
                ("Total tasks", N(s.Total)), ("Backlog", N(s.ByCategory.Backlog)), ("To do", N(s.ByCategory.Todo)),
                ("In progress", N(s.ByCategory.InProgress)), ("Done", N(s.ByCategory.Done)), ("Cancelled", N(s.ByCategory.Cancelled)),
                ("Overdue", N(s.Overdue)), ("Unassigned", N(s.Unassigned)), ("Points done", $"{N(s.Points.Done)} of {N(s.Points.Total)}"),
                ("Completed in the last 7 days", N(s.CompletedLast7Days)),
            };
            for (var i = 0; i < figures.Length; i++)
            {
                var (label, value) = figures[i];
                var col = i % 2 == 0 ? x : x + 260;
                gfx.DrawString(label + ":", body, XBrushes.Black, col, y);
                gfx.DrawString(value, body, XBrushes.Black, col + 170, y);
                if (i % 2 == 1) y += 15;
            }
            y += 15;

            y = Chart(gfx, "Throughput per week", ThroughputPng(c.Throughput), x, y, heading);
            y = Chart(gfx, "Cumulative flow", FlowPng(c.Flow), x, y, heading);

            gfx.DrawString("Overdue tasks", heading, XBrushes.Black, x, y);
            y += 16;
            if (c.Overdue.Tasks.Count == 0) gfx.DrawString("None.", body, XBrushes.Black, x, y);
            foreach (var t in c.Overdue.Tasks.Take(12))
            {
                var text = $"{t.Key}  {t.Title}";
                if (text.Length > 80) text = text[..79] + "…";
                gfx.DrawString(text, body, XBrushes.Black, x, y);
                gfx.DrawString($"due {t.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, {t.DaysOverdue} d late", body, XBrushes.Black, x + 390, y);
                y += 14;
            }
            if (c.Overdue.Tasks.Count > 12) gfx.DrawString($"… and {c.Overdue.Tasks.Count - 12} more.", body, XBrushes.Black, x, y);
        }
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    static double Chart(XGraphics gfx, string name, byte[] png, double x, double y, XFont heading)
    {
        gfx.DrawString(name, heading, XBrushes.Black, x, y);
        y += 8;
        using var stream = new MemoryStream(png);
        using var image = XImage.FromStream(stream);
        const double width = 515, height = 190;
        gfx.DrawImage(image, x, y, width, height);
        return y + height + 24;
    }

    static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(Family);
        return plot;
    }

    internal static byte[] ThroughputPng(Throughput.Response r)
    {
        var plot = NewPlot();
        var positions = Enumerable.Range(0, r.Weeks.Count).Select(i => (double)i).ToArray();
        plot.Add.Bars(positions, [.. r.Weeks.Select(w => (double)w.Completed)]);
        plot.Axes.Bottom.SetTicks(positions, [.. r.Weeks.Select(w => w.WeekStart.ToString("MM-dd", CultureInfo.InvariantCulture))]);
        plot.YLabel("Completed tasks");
        plot.Axes.Margins(bottom: 0);
        return plot.GetImageBytes(1030, 380, ImageFormat.Png);
    }

    internal static byte[] FlowPng(CumulativeFlow.Response r)
    {
        var plot = NewPlot();
        var xs = Enumerable.Range(0, r.Days.Count).Select(i => (double)i).ToArray();
        void Line(string name, Func<CumulativeFlow.Day, int> value)
        {
            var line = plot.Add.Scatter(xs, [.. r.Days.Select(d => (double)value(d))]);
            line.LegendText = name;
        }
        Line("Done", d => d.Done);
        Line("In progress", d => d.InProgress);
        Line("To do", d => d.Todo);
        Line("Backlog", d => d.Backlog);
        var step = Math.Max(1, r.Days.Count / 7);
        var ticks = xs.Where((_, i) => i % step == 0).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, [.. ticks.Select(t => r.Days[(int)t].Date.ToString("MM-dd", CultureInfo.InvariantCulture))]);
        plot.YLabel("Tasks");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot.GetImageBytes(1030, 380, ImageFormat.Png);
    }

    sealed class DejaVuResolver(string directory) : PdfSharp.Fonts.IFontResolver
    {
        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(bold ? "DejaVuSans-Bold" : "DejaVuSans", mustSimulateBold: false, mustSimulateItalic: italic);

        public byte[] GetFont(string faceName) => File.ReadAllBytes(Path.Combine(directory, faceName + ".ttf"));
    }
}
