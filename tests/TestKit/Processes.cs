using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TaskFlow.TestKit;

/// <summary>
/// <c>src/Host</c> as a real child process (<c>dotnet TaskFlow.Host.dll --services X --urls ...</c>), for scaled-out and
/// restart tests. Output is kept in a buffer (<see cref="Output"/>) so a failing test can show it. Always dispose: that stops the process.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    const int MaxOutputChars = 512 * 1024;
    readonly StringBuilder output = new();
    readonly Lock outputLock = new();
    readonly Dictionary<string, string?> settings;
    Process? process;

    HostProcess(string name, string services, int port, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        Name = name;
        Services = services;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        this.settings = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The built host next to the test assembly (test projects reference <c>src/Host</c>, so it is copied there), or the one
    /// <c>TASKFLOW_TEST_HOST</c> names: e.g. a published host (<c>bench/.out/host/TaskFlow.Host.dll</c>), whose web app is
    /// the trimmed, compressed build a browser gets in production.
    /// </summary>
    public static string HostDll =>
        Environment.GetEnvironmentVariable("TASKFLOW_TEST_HOST") is { Length: > 0 } published
            ? Path.GetFullPath(published)
            : Path.Combine(AppContext.BaseDirectory, "TaskFlow.Host.dll");

    public static TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(90);

    public string Name { get; }
    public string Services { get; }
    public int Port { get; }
    public Uri BaseAddress { get; }
    public int? ProcessId => process is { HasExited: false } p ? p.Id : null;
    public bool IsRunning => process is { HasExited: false };

    /// <summary>Everything the process wrote to stdout and stderr (all its runs), each line prefixed with the process name.</summary>
    public string Output
    {
        get
        {
            lock (outputLock) return output.ToString();
        }
    }

    /// <summary>Starts <c>--services <paramref name="services"/></c> on <paramref name="port"/> (default: a free loopback port) and waits for <c>/health/ready</c>.</summary>
    public static async Task<HostProcess> Start(string name, string services, IEnumerable<KeyValuePair<string, string?>> settings, CancellationToken cancellationToken = default, int? port = null)
    {
        var host = new HostProcess(name, services, port ?? FreePort(), settings);
        try
        {
            await host.Start(cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>(Re)starts the process with the same port and settings and waits until it is ready.</summary>
    public async Task Start(CancellationToken cancellationToken = default)
    {
        if (IsRunning) throw new InvalidOperationException($"{Name} is already running.");
        if (!File.Exists(HostDll)) throw new FileNotFoundException("The host is not built next to the tests; reference src/Host from the test project.", HostDll);

        var info = new ProcessStartInfo("dotnet")
        {
            // The content root is the working directory: that is where appsettings.json is.
            WorkingDirectory = Path.GetDirectoryName(HostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostDll);
        info.ArgumentList.Add("--services");
        info.ArgumentList.Add(Services);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{Port}");
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add("--" + key);
            info.ArgumentList.Add(value ?? "");
        }
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        info.Environment["DOTNET_gcServer"] = "0";

        Append($"--- starting: dotnet TaskFlow.Host.dll --services {Services} --urls http://127.0.0.1:{Port} {string.Join(' ', settings.Select(s => $"--{s.Key} {s.Value}"))}");
        var started = new Process { StartInfo = info, EnableRaisingEvents = true };
        started.OutputDataReceived += (_, e) => { if (e.Data is not null) Append(e.Data); };
        started.ErrorDataReceived += (_, e) => { if (e.Data is not null) Append("ERR " + e.Data); };
        started.Start();
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
        await WaitUntilReady(started, cancellationToken);
    }

    async Task WaitUntilReady(Process started, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (started.HasExited)
                throw new InvalidOperationException($"{Name} exited with code {started.ExitCode} before it was ready.\n{Output}");
            try
            {
                using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Name} was not ready within {StartTimeout.TotalSeconds:0} s.\n{Output}");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Graceful stop: SIGTERM (the host drains requests and stops its hosted services), then a kill if it hangs.</summary>
    public async Task Stop(TimeSpan? grace = null)
    {
        var running = process;
        if (running is null) return;
        try
        {
            if (!running.HasExited)
            {
                using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", running.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
                    if (kill is not null) await kill.WaitForExitAsync();
                using var timeout = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(20));
                try
                {
                    await running.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Append("--- did not stop after SIGTERM; killing");
                    running.Kill(entireProcessTree: true);
                    await running.WaitForExitAsync();
                }
            }
            else
            {
                // Let the asynchronous readers drain what is left.
                await running.WaitForExitAsync();
            }
            Append($"--- exited with code {running.ExitCode}");
        }
        finally
        {
            running.Dispose();
            process = null;
        }
    }

    /// <summary>Abrupt stop (SIGKILL), for crash tests.</summary>
    public async Task Kill()
    {
        var running = process;
        if (running is null) return;
        try
        {
            if (!running.HasExited) running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
            Append("--- killed");
        }
        finally
        {
            running.Dispose();
            process = null;
        }
    }

    public async Task Restart(CancellationToken cancellationToken = default)
    {
        await Stop();
        await Start(cancellationToken);
    }

    /// <summary>A client for this process; <paramref name="handler"/> e.g. to bind another loopback source address.</summary>
    public HttpClient CreateClient(HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Waits until the output contains <paramref name="text"/> (logs are written in the background).</summary>
    public async Task<bool> WaitForOutput(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    void Append(string line)
    {
        lock (outputLock)
        {
            if (output.Length > MaxOutputChars) output.Remove(0, output.Length - MaxOutputChars / 2);
            output.Append('[').Append(Name).Append("] ").AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Stop(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            process?.Kill(entireProcessTree: true);
        }
    }

    public override string ToString() => $"{Name} ({Services}) on {BaseAddress}";
}

/// <summary>HTTP clients whose connections come from a chosen loopback address (127.0.0.2, ...), to act as different client IPs.</summary>
public static class LoopbackClients
{
    public static SocketsHttpHandler From(IPAddress source) => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
