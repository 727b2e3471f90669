using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace TaskFlow.Host;

/// <summary>
/// Configuration section <c>ForwardedHeaders</c>: which proxies may tell this process the client's address
/// (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>). <c>KnownProxies</c> lists addresses, <c>KnownNetworks</c> CIDR ranges.
/// </summary>
/// <remarks>
/// A service behind the gateway trusts loopback when nothing is configured (gateway and service on one machine);
/// the edge (gateway, all-in-one) trusts nobody unless told, so a client cannot choose its own rate-limit partition.
/// </remarks>
static class ForwardedHeaderTrust
{
    public const string Section = "ForwardedHeaders";

    public static void AddForwardedHeaderTrust(this WebApplicationBuilder builder, bool isEdge)
    {
        var proxies = builder.Configuration.GetSection($"{Section}:KnownProxies").Get<string[]>() ?? [];
        var networks = builder.Configuration.GetSection($"{Section}:KnownNetworks").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            if (proxies.Length == 0 && networks.Length == 0)
            {
                // Not "empty lists": the middleware would then trust every sender.
                o.ForwardedHeaders = isEdge ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                return; // defaults: 127.0.0.0/8 and ::1
            }
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in networks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
    }
}
