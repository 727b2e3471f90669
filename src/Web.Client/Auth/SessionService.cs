using System.Text;
using System.Text.Json;
using Microsoft.JSInterop;
using TaskFlow.Web.Client.Api;

namespace TaskFlow.Web.Client.Auth;

/// <summary>The signed-in user, read from the access token's claims.</summary>
public sealed record SessionUser(Guid Id, string Email, string Name, bool EmailVerified)
{
    public string Initials => Avatars.Initials(Name);
}

/// <summary>
/// Holds the access token in memory only (never in storage) and renews it through the web app's session endpoint,
/// which keeps the refresh token in an HttpOnly cookie (docs/adr/0012-web-session.md).
/// </summary>
public sealed class SessionService(IApiTransport transport, IJSRuntime js) : IDisposable
{
    /// <summary>Path of the session endpoint; the refresh cookie is scoped to it.</summary>
    public const string BasePath = "app/session";

    /// <summary>A header a cross-site form cannot send: together with SameSite=Strict it keeps other sites out.</summary>
    public const string CsrfHeader = "X-TaskFlow-Session";

    static readonly TimeSpan RenewAhead = TimeSpan.FromSeconds(60);
    readonly SemaphoreSlim gate = new(1, 1);
    string? accessToken;
    DateTimeOffset expiresAt;
    Timer? renewTimer;
    Task? initializing;
    bool initializingNow;

    public SessionUser? User { get; private set; }
    public bool IsInitialized { get; private set; }
    public event Action? Changed;

    /// <summary>On load: try to renew from the cookie once, so a reload keeps the user signed in.</summary>
    public Task Initialize() => initializing ??= InitializeCore();

    async Task InitializeCore()
    {
        Diagnostics.Perf.Mark("session-start");
        initializingNow = true;
        try
        {
            await Renew();
        }
        finally
        {
            initializingNow = false;
        }
        Diagnostics.Perf.Mark("session-ready");
        IsInitialized = true;
        _ = NotifyAfterWaitingCallers();
    }

    /// <summary>
    /// The first renewal of a page load is awaited by the page's API calls (<see cref="GetAccessToken"/>). Listeners
    /// re-render the signed-in layout when told, which takes a while in WebAssembly: they are told after those callers
    /// have resumed and sent their requests, not before.
    /// </summary>
    async Task NotifyAfterWaitingCallers()
    {
        await Task.Yield();
        Changed?.Invoke();
    }

    public async Task<string?> GetAccessToken()
    {
        if (!IsInitialized) await Initialize();
        if (accessToken is not null && DateTimeOffset.UtcNow > expiresAt - TimeSpan.FromSeconds(10)) return await Renew();
        return accessToken;
    }

    /// <summary>Exchanges the refresh cookie for a new access token (and a new cookie); null when there is no session.</summary>
    public async Task<string?> Renew()
    {
        var previous = accessToken;
        await gate.WaitAsync();
        try
        {
            // Another caller renewed while this one waited.
            if (accessToken is not null && accessToken != previous) return accessToken;
            var (status, body) = await RefreshThroughLock();
            if (status == 200 && body is not null)
                Accept(JsonSerializer.Deserialize(body, ApiJson.Default.SessionToken)!);
            else if (status is 204 or 401 or 400) Clear(); // 204: no session cookie
            return accessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Refresh tokens are single-use and reuse revokes the session, so two tabs must never refresh with the same cookie:
    /// the browser's Web Locks API serialises refreshes across tabs (js/session.js).
    /// </summary>
    async Task<(int Status, string? Body)> RefreshThroughLock()
    {
        try
        {
            var result = await js.InvokeAsync<string?>("taskflowSession.refresh", "/" + BasePath + "/refresh", CsrfHeader);
            // No answer: the script is not there (component tests answer every call with null).
            return result is null ? await RefreshDirect() : ParseRefreshAnswer(result);
        }
        catch (JSException)
        {
            return await RefreshDirect();
        }
        catch (InvalidOperationException)
        {
            // No JavaScript (tests, prerendering): plain request.
            return await RefreshDirect();
        }
    }

    /// <summary>js/session.js answers with the status, a newline and the body.</summary>
    internal static (int Status, string? Body) ParseRefreshAnswer(string answer)
    {
        // A status is three digits; read by hand rather than through the culture-aware number parser.
        var status = 0;
        for (var i = 0; i < answer.Length && i < 4; i++)
        {
            var c = answer[i];
            if (c == '\n' && i > 0) return (status, answer[(i + 1)..]);
            if (c is < '0' or > '9') break;
            status = status * 10 + (c - '0');
        }
        return (0, null);
    }

    async Task<(int, string?)> RefreshDirect()
    {
        try
        {
            var response = await transport.Send(new ApiRequest("POST", BasePath + "/refresh").WithHeader(CsrfHeader, "1"));
            return (response.Status, Encoding.UTF8.GetString(response.Body));
        }
        catch (ApiNetworkException)
        {
            return (0, null);
        }
    }

    public async Task<ApiProblem?> SignIn(string email, string password)
    {
        try
        {
            var request = new ApiRequest("POST", BasePath + "/login")
            {
                Json = JsonSerializer.SerializeToUtf8Bytes(new LoginRequest(email, password), ApiJson.Default.LoginRequest),
            }.WithHeader(CsrfHeader, "1");
            var response = await transport.Send(request);
            if (!response.IsSuccess) return ApiClient.ReadProblem(response);
            Accept(JsonSerializer.Deserialize(response.Body, ApiJson.Default.SessionToken)!);
            IsInitialized = true;
            return null;
        }
        catch (ApiNetworkException e)
        {
            return ApiProblem.Network(e.Message);
        }
    }

    public async Task SignOut()
    {
        try
        {
            await transport.Send(new ApiRequest("POST", BasePath + "/logout").WithHeader(CsrfHeader, "1"));
        }
        catch (ApiNetworkException)
        {
        }
        Clear();
    }

    void Accept(SessionToken token)
    {
        accessToken = token.AccessToken;
        expiresAt = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(token.ExpiresIn);
        User = ReadUser(token.AccessToken);
        var due = TimeSpan.FromSeconds(Math.Max(5, token.ExpiresIn - RenewAhead.TotalSeconds));
        renewTimer?.Dispose();
        renewTimer = new Timer(_ => _ = Renew(), null, due, Timeout.InfiniteTimeSpan);
        if (!initializingNow) Changed?.Invoke();
    }

    void Clear()
    {
        var had = accessToken is not null;
        accessToken = null;
        User = null;
        renewTimer?.Dispose();
        renewTimer = null;
        if (had && !initializingNow) Changed?.Invoke();
    }

    /// <summary>The claims of a JWT (no signature check: the server checks tokens, the client only shows the name).</summary>
    internal static SessionUser? ReadUser(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length < 2) return null;
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        var root = doc.RootElement;
        string Claim(string name) => root.TryGetProperty(name, out var v) ? v.ToString() : "";
        return Guid.TryParse(Claim("sub"), out var id)
            ? new SessionUser(id, Claim("email"), Claim("name") is { Length: > 0 } n ? n : Claim("email"), Claim("email_verified") == "true")
            : null;
    }

    public void Dispose()
    {
        renewTimer?.Dispose();
        gate.Dispose();
    }
}
