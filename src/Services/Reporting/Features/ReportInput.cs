using Microsoft.AspNetCore.Http;
using TaskFlow.Reporting.Data;

namespace TaskFlow.Reporting.Features;

/// <summary>A report's input: the project's history and the resolved range; or the validation problem.</summary>
internal sealed record ReportInput(ProjectHistory History, ReportRange Range)
{
    public static async Task<(ReportInput? Input, IResult? Problem)> Load(ReportingDb db, HistoryCache histories, ReportCaller caller, ReportClock clock, ReportQuery query, CancellationToken ct)
    {
        var (range, errors) = query.Resolve(clock.UtcNow, caller.WeekStart);
        if (range is null) return (null, TypedResults.ValidationProblem(errors));
        return (new ReportInput(await histories.Get(db, caller.Project, ct), range), null);
    }
}

/// <summary>A report as rows, for CSV and XLSX exports.</summary>
internal sealed record ReportTable(string Name, string[] Columns, List<object?[]> Rows);

/// <summary>Small statistics shared by the reports.</summary>
internal static class Stats
{
    /// <summary>The median (mean of the two middle values for an even count); null when empty.</summary>
    public static double? Median(IReadOnlyList<double> sorted) => sorted.Count == 0 ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    /// <summary>The nearest-rank percentile: the smallest value with at least <paramref name="p"/> % of the values at or below it.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];

    public static double Days(TimeSpan span) => Math.Round(span.TotalDays, 2);
}
