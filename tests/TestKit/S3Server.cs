using System.Diagnostics;
using System.Text;

namespace TaskFlow.TestKit;

/// <summary>
/// A real S3-compatible server for tests: the npm package s3rver 3.7.1 on a free loopback port, with a fresh temporary
/// directory and one bucket, started through <c>npx</c> (set <c>TASKFLOW_S3RVER</c> to an installed <c>s3rver</c> binary
/// to skip npx). <c>.ci/run</c> pre-fetches the package. Always dispose: that stops the process and removes the directory.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    /// <summary>s3rver's fixed credentials.</summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    readonly StringBuilder output = new();
    readonly Lock outputLock = new();
    Process? process;

    S3Server(int port, string bucket)
    {
        Port = port;
        Bucket = bucket;
        ServiceUrl = $"http://127.0.0.1:{port}";
        Directory = Path.Combine(Path.GetTempPath(), "taskflow-s3rver", Guid.NewGuid().ToString("N"));
    }

    public int Port { get; }
    public string Bucket { get; }
    public string ServiceUrl { get; }
    public string Directory { get; }

    public static TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The configuration that points the platform's storage at this server.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Storage:Provider", "s3"),
        new("Storage:S3:ServiceUrl", ServiceUrl),
        new("Storage:S3:Bucket", Bucket),
        new("Storage:S3:AccessKey", AccessKey),
        new("Storage:S3:SecretKey", SecretKey),
        new("Storage:S3:Region", "us-east-1"),
        new("Storage:S3:ForcePathStyle", "true"),
    ];

    public string Output
    {
        get
        {
            lock (outputLock) return output.ToString();
        }
    }

    public static async Task<S3Server> Start(string bucket = "taskflow", CancellationToken cancellationToken = default)
    {
        var server = new S3Server(HostProcess.FreePort(), bucket);
        try
        {
            await server.Run(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    async Task Run(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var installed = Environment.GetEnvironmentVariable("TASKFLOW_S3RVER");
        var info = new ProcessStartInfo(installed is { Length: > 0 } ? installed : "npx")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (installed is not { Length: > 0 })
        {
            info.ArgumentList.Add("--yes");
            info.ArgumentList.Add("s3rver@3.7.1");
        }
        foreach (var arg in new[] { "-d", Directory, "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket })
            info.ArgumentList.Add(arg);
        process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"s3rver exited with {process.ExitCode}:\n{Output}");
            try
            {
                // The bucket is configured before the server listens; a listing of it answers once both are ready.
                using var response = await http.GetAsync($"{ServiceUrl}/{Bucket}", cancellationToken);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"s3rver did not start on port {Port}:\n{Output}");
            await Task.Delay(200, cancellationToken);
        }
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (outputLock)
        {
            if (output.Length < 256 * 1024) output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
