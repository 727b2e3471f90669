using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace TaskFlow.Integrations.Delivery;

/// <summary>Raised when an outgoing call would reach an address that is not on the public internet.</summary>
internal sealed class BlockedAddressException(string message) : HttpRequestException(message);

/// <summary>
/// SSRF protection for every outgoing call. A URL is checked when it is registered (a clear validation error) and again
/// in <see cref="Connect"/>, which the HTTP handler uses to open every connection: the addresses are resolved there and
/// the socket connects only to the checked addresses, so a DNS answer that changes after registration (rebinding) cannot
/// reach the internal network.
/// </summary>
internal sealed class NetworkGuard(IOptions<IntegrationsOptions> options)
{
    bool AllowPrivate => options.Value.AllowPrivateNetworks;

    /// <summary>Why <paramref name="url"/> cannot be a webhook target, or null when it can.</summary>
    public async Task<string?> Check(string? url, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url)) return "The URL is required.";
        if (url.Length > 2048) return "The URL must be at most 2048 characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "The URL must be an absolute http or https URL.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "The URL must not contain credentials.";
        if (AllowPrivate) return null;
        IPAddress[] addresses;
        try
        {
            addresses = await Resolve(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return "The URL's host could not be resolved.";
        }
        return addresses.Length == 0 ? "The URL's host could not be resolved."
            : addresses.Any(a => !IsPublic(a)) ? "The URL points to a private, loopback, link-local or otherwise non-public address."
            : null;
    }

    /// <summary><see cref="SocketsHttpHandler.ConnectCallback"/>: resolves, refuses non-public addresses, connects to the checked ones.</summary>
    public async ValueTask<Stream> Connect(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await Resolve(endpoint.Host, ct);
        if (addresses.Length == 0) throw new HttpRequestException($"The host {endpoint.Host} could not be resolved.");
        if (!AllowPrivate && addresses.Any(a => !IsPublic(a)))
            throw new BlockedAddressException($"Refused to connect to {endpoint.Host}: it resolves to a non-public address.");

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    static async Task<IPAddress[]> Resolve(string host, CancellationToken ct)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var ip)) return [ip];
        return await Dns.GetHostAddressesAsync(host, ct);
    }

    /// <summary>
    /// False for unspecified, loopback, private (RFC 1918), carrier-grade NAT, link-local (with cloud metadata
    /// 169.254.169.254), multicast, broadcast, reserved and documentation ranges. IPv6 is public only inside global unicast
    /// (2000::/3), so every form that embeds or translates an IPv4 address outside it (IPv4-mapped <c>::ffff:a.b.c.d</c>,
    /// IPv4-translated <c>::ffff:0:a.b.c.d</c>, IPv4-compatible <c>::a.b.c.d</c>, local NAT64 <c>64:ff9b:1::/48</c>),
    /// unique-local, link-local, site-local, multicast and the discard prefix are refused; the well-known NAT64 prefix
    /// (64:ff9b::/96) and 6to4 (2002::/16) are judged by their embedded IPv4 address; the IETF protocol block 2001::/23
    /// (Teredo, ORCHID, benchmarking) and the documentation prefixes are refused.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsPublicV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;

        var b = address.GetAddressBytes();
        // NAT64 well-known prefix 64:ff9b::/96: judge the embedded IPv4 address.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.Skip(4).Take(8).All(x => x == 0)) return IsPublicV4(b[12..]);
        // Everything else outside global unicast 2000::/3 is not public.
        if ((b[0] & 0xe0) != 0x20) return false;
        // 6to4 (2002::/16) embeds an IPv4 address in bytes 2-5.
        if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(b[2..6]);
        // IETF protocol assignments 2001::/23 (Teredo 2001::/32 embeds an obfuscated IPv4 client).
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) return false;
        // Documentation 2001:db8::/32 and 3fff::/20.
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;
        if (b[0] == 0x3f && (b[1] & 0xf0) == 0xf0) return false;
        return true;
    }

    static bool IsPublicV4(byte[] b) => !(
        b[0] == 0                                   // 0.0.0.0/8 "this network", unspecified
        || b[0] == 10                               // 10.0.0.0/8
        || b[0] == 127                              // loopback
        || (b[0] == 100 && (b[1] & 0xc0) == 64)     // 100.64.0.0/10 carrier-grade NAT
        || (b[0] == 169 && b[1] == 254)             // link-local, cloud metadata
        || (b[0] == 172 && (b[1] & 0xf0) == 16)     // 172.16.0.0/12
        || (b[0] == 192 && b[1] == 168)             // 192.168.0.0/16
        || (b[0] == 192 && b[1] == 0 && b[2] == 0)  // 192.0.0.0/24 protocol assignments
        || (b[0] == 192 && b[1] == 0 && b[2] == 2)  // documentation
        || (b[0] == 198 && (b[1] & 0xfe) == 18)     // 198.18.0.0/15 benchmarking
        || (b[0] == 198 && b[1] == 51 && b[2] == 100)
        || (b[0] == 203 && b[1] == 0 && b[2] == 113)
        || b[0] >= 224);                            // multicast, reserved, broadcast
}
