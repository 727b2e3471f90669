using System.Text.Json;
using Microsoft.JSInterop;

namespace TaskFlow.Web.Client.Layout;

/// <summary>
/// Light, dark or the device's setting. The choice is stored in localStorage (js/theme.js) and applied when the layout
/// first renders interactively; "system" follows the device's setting as it changes.
/// </summary>
public sealed class ThemeState(IJSRuntime js) : IAsyncDisposable
{
    public const string Light = "light", Dark = "dark", System = "system";
    public static readonly string[] Modes = [Light, Dark, System];

    IJSObjectReference? module;
    IJSObjectReference? watch;
    DotNetObjectReference<ThemeState>? self;
    bool systemDark;

    public string Mode { get; private set; } = System;
    public bool IsDark => Mode == Dark || (Mode == System && systemDark);
    public bool IsLoaded { get; private set; }
    public event Action? Changed;

    Task? loading;

    /// <summary>Reads the stored choice once per tab; callers after the first share its result.</summary>
    public Task Load() => loading ??= LoadCore();

    async Task LoadCore()
    {
        try
        {
            module = await js.InvokeAsync<IJSObjectReference>("import", "./js/theme.js");
            var stored = await module.InvokeAsync<JsonElement>("load");
            var mode = stored.GetProperty("mode").GetString();
            Mode = Modes.Contains(mode) ? mode! : System;
            systemDark = stored.GetProperty("systemDark").GetBoolean();
            self = DotNetObjectReference.Create(this);
            watch = await module.InvokeAsync<IJSObjectReference>("watch", self);
        }
        catch (JSException)
        {
        }
        catch (InvalidOperationException)
        {
            // No JavaScript (prerendering, component tests): stay on the default.
        }
        IsLoaded = true;
        Changed?.Invoke();
    }

    public async Task Set(string mode)
    {
        if (!Modes.Contains(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a theme mode.");
        Mode = mode;
        if (module is not null) await module.InvokeVoidAsync("save", mode);
        Changed?.Invoke();
    }

    /// <summary>The app-bar button: flips between explicit light and dark.</summary>
    public Task Toggle() => Set(IsDark ? Light : Dark);

    /// <summary>The device's time zone (IANA id), for the settings page's suggestion.</summary>
    public async Task<string?> DeviceTimeZone() => module is null ? null : await module.InvokeAsync<string?>("timeZone");

    [JSInvokable]
    public void OnSystemThemeChanged(bool dark)
    {
        systemDark = dark;
        if (Mode == System) Changed?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (watch is not null)
            {
                await watch.InvokeVoidAsync("dispose");
                await watch.DisposeAsync();
            }
            if (module is not null) await module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
        }
        self?.Dispose();
    }
}
