using Microsoft.Extensions.Configuration;
using TaskFlow.BuildingBlocks.Web;
using TaskFlow.Identity.Data;

namespace TaskFlow.Identity.Security;

/// <summary>
/// Configuration key <c>Shop:Admins</c>: the emails of the shop's administrators, as a list (<c>Shop:Admins:0</c>, …)
/// or one comma-separated value. An access token issued to one of them, once the address is verified, carries
/// <c>role: admin</c>; every other account is a customer (docs/adr/0032-shop-admins.md). Read at each issue, so a
/// changed setting takes effect at the next sign-in or refresh.
/// </summary>
internal sealed class ShopAdmins(IConfiguration configuration)
{
    public const string Section = "Shop:Admins";

    public bool IsAdmin(User user) => user.EmailVerified && Emails().Contains(user.Email);

    HashSet<string> Emails()
    {
        var section = configuration.GetSection(Section);
        var values = section.GetChildren().Select(c => c.Value).Append(section.Value);
        return values
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The claims an admin's access token adds.</summary>
    public static KeyValuePair<string, object> RoleClaim => new(AdminRole.ClaimType, AdminRole.Admin);
}
