using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.BuildingBlocks.Web;

/// <summary>
/// A request this process makes to itself on behalf of a client (the web session endpoint calling <c>/v1/auth/*</c> in the
/// all-in-one host). The outer request was already rate limited by the client's address; the inner one must not be counted
/// again under 127.0.0.1, where every client would share one bucket, and its handlers must see the client's address.
/// </summary>
/// <remarks>
/// The proof is a random key made at start-up that never leaves the process (it is not configuration, not logged, and
/// only sent over loopback to this same process), and the call must come from loopback. A header an outside client sends
/// is removed whatever its value, so nobody outside can skip the limiter or choose the address (docs/adr/0007).
/// </remarks>
public sealed class InnerCallKey
{
    public const string Header = "X-TaskFlow-Inner-Call";
    public const string ClientAddressHeader = "X-TaskFlow-Client-Address";
    const string ItemKey = "taskflow.inner-call";

    readonly string value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    readonly byte[] bytes;

    public InnerCallKey() => bytes = Encoding.ASCII.GetBytes(value);

    /// <summary>Marks <paramref name="request"/> (sent by this process to itself) as made for the client at <paramref name="client"/>.</summary>
    public void Sign(HttpRequestMessage request, IPAddress? client)
    {
        request.Headers.TryAddWithoutValidation(Header, value);
        if (client is not null) request.Headers.TryAddWithoutValidation(ClientAddressHeader, client.ToString());
    }

    /// <summary>True when the request is one this process made to itself (checked by <see cref="InnerCallSetup.UseInnerCalls"/>).</summary>
    public static bool IsInnerCall(HttpContext context) => context.Items.ContainsKey(ItemKey);

    internal bool Accept(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (!headers.TryGetValue(Header, out var presented))
        {
            headers.Remove(ClientAddressHeader);
            return false;
        }
        var genuine = presented.Count == 1
            && context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented.ToString()), bytes);
        var clientAddress = headers[ClientAddressHeader].ToString();
        headers.Remove(Header);
        headers.Remove(ClientAddressHeader);
        if (!genuine) return false;
        context.Items[ItemKey] = true;
        if (IPAddress.TryParse(clientAddress, out var client)) context.Connection.RemoteIpAddress = client;
        return true;
    }
}

public static class InnerCallSetup
{
    public static IServiceCollection AddInnerCalls(this IServiceCollection services) => services.AddSingleton<InnerCallKey>();

    /// <summary>Recognises this process's own inner calls and strips the marker headers from every other request.</summary>
    public static void UseInnerCalls(this IApplicationBuilder app)
    {
        var key = app.ApplicationServices.GetRequiredService<InnerCallKey>();
        app.Use((context, next) =>
        {
            key.Accept(context);
            return next(context);
        });
    }
}
