using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using UglyToad.PdfPig;

namespace TaskFlow.Reporting.Tests;

/// <summary>The PDF project status report (PDFsharp + ScottPlot) read back with PdfPig on <see cref="FixedHistory"/>.</summary>
public abstract class PdfReportTests(ReportingApp app) : ReportingTestBase(app)
{
    [Fact]
    public async Task The_status_report_pdf_has_the_title_the_summarys_figures_and_embedded_charts()
    {
        App.Clock.Now = FixedHistory.Now;
        var h = new FixedHistory();
        await Deliver([.. h.Setup(), .. h.Events()]);
        var owner = Client(h.Owner);
        var started = await owner.PostAsJsonAsync($"/v1/projects/{h.ProjectId}/reports/exports",
            new { report = "status", format = "pdf", tz = "Europe/Berlin", from = "2026-03-23", to = "2026-04-02" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        JsonElement job = default;
        await WaitUntil(async () => (job = await Get(owner, started.Headers.Location!.ToString())).GetProperty("state").GetString() is "ready" or "failed", "the PDF export");
        Assert.Equal("ready", job.GetProperty("state").GetString());
        var file = await owner.GetAsync(job.GetProperty("fileUrl").GetString(), Ct);
        Assert.Equal("application/pdf", file.Content.Headers.ContentType?.MediaType);

        using var pdf = PdfDocument.Open(await file.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("Project status report: Website", pdf.Information.Title);
        var page = pdf.GetPage(1);
        var text = string.Join(" ", page.GetWords().Select(w => w.Text));
        Assert.Contains("Project status report: Website", text, StringComparison.Ordinal);
        // The summary's figures (FixedHistoryTests: 5 live tasks, 3 done, 1 cancelled, 1 overdue, 9 of 17 points).
        foreach (var figure in new[] { "Total tasks: 5", "To do: 1", "Done: 3", "Cancelled: 1", "Overdue: 1", "Points done: 9 of 17" })
            Assert.Contains(figure, text, StringComparison.Ordinal);
        Assert.Contains("WEB-5", text, StringComparison.Ordinal); // the overdue task
        Assert.Equal(2, page.GetImages().Count()); // throughput and cumulative flow charts
    }

    [Fact]
    public async Task Pdf_is_only_for_the_status_report_and_the_status_report_only_pdf()
    {
        App.Clock.Now = FixedHistory.Now;
        var h = new FixedHistory();
        await Deliver(h.Setup());
        var owner = Client(h.Owner);
        foreach (var body in new object[] { new { report = "summary", format = "pdf" }, new { report = "status", format = "csv" } })
        {
            var problem = await AssertProblem(await owner.PostAsJsonAsync($"/v1/projects/{h.ProjectId}/reports/exports", body, Ct), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("format", out _));
        }
    }
}

public sealed class SqlitePdfReportTests(SqliteReportingApp app) : PdfReportTests(app), IClassFixture<SqliteReportingApp>;

public sealed class PostgresPdfReportTests(PostgresReportingApp app) : PdfReportTests(app), IClassFixture<PostgresReportingApp>;
