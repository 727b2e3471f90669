using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TaskFlow.Web.Tests;

/// <summary>
/// Issue 15, first run: a host started from another working directory (a published folder run from anywhere) serves
/// the web app's CSS and JavaScript, and keeps its data relative to that directory. Runs against TASKFLOW_TEST_HOST
/// (the published host) in test.sh's published run.
/// </summary>
[Trait("Category", "Journey")]
public sealed partial class HostFolderTests
{
    [Fact]
    public async Task A_host_started_from_another_folder_serves_the_css_and_the_framework_script()
    {
        var ct = TestContext.Current.CancellationToken;
        var cwd = Directory.CreateTempSubdirectory("taskflow-cwd-").FullName;
        var port = HostProcess.FreePort();
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { HostProcess.HostDll, "--urls", $"http://127.0.0.1:{port}" }) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment.Remove("ASPNETCORE_URLS");
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                try
                {
                    if ((await http.GetAsync(new Uri("health/live", UriKind.Relative), ct)).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }
                Assert.False(process.HasExited, "the host stopped");
                Assert.True(DateTime.UtcNow < deadline, "the host did not start");
                await Task.Delay(300, ct);
            }

            var html = await http.GetStringAsync(new Uri("signin", UriKind.Relative), ct);
            var assets = Asset().Matches(html).Select(m => m.Groups[1].Value).ToList();
            var css = assets.Where(a => a.EndsWith(".css", StringComparison.Ordinal)).ToList();
            var framework = assets.Single(a => a.StartsWith("_framework/blazor.web", StringComparison.Ordinal));
            Assert.NotEmpty(css);
            foreach (var path in css.Append(framework).Append("favicon.ico"))
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative), ct);
                Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
                Assert.True((await response.Content.ReadAsByteArrayAsync(ct)).Length > 0, $"{path} is empty");
            }
            // The default DataDir (./data) is relative to the working directory.
            Assert.True(Directory.Exists(Path.Combine(cwd, "data")), "no ./data in the working directory");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            try
            {
                Directory.Delete(cwd, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [GeneratedRegex(@"(?:href|src)=""([^""]+\.(?:css|js))""")]
    private static partial Regex Asset();
}
