using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TaskFlow.Reporting.Features;

namespace TaskFlow.Reporting.Tests;

/// <summary>The all-in-one host trusting test tokens, with the reports' clock under the test's control.</summary>
public class ReportingApp(Provider provider) : TestTokenApp(provider)
{
    internal TestClock Clock { get; } = new();

    /// <summary>The weekly email scheduler's time: Monday 2026-03-30 05:00 UTC (07:00 in Berlin, summer time) until advanced.</summary>
    internal FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 30, 5, 0, 0, TimeSpan.Zero));

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Reporting:Exports:Lifetime", "00:10:00")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<ReportClock>(Clock);
            s.AddSingleton(new ReportingTime(Time));
        });
    }
}

/// <summary>"Now" for the reports: fixed when <see cref="Now"/> is set, else the real time.</summary>
internal sealed class TestClock : ReportClock
{
    public DateTime? Now { get; set; }
    public override DateTime UtcNow => Now ?? DateTime.UtcNow;
}

public sealed class SqliteReportingApp() : ReportingApp(Provider.Sqlite);

public sealed class PostgresReportingApp() : ReportingApp(Provider.Postgres);
