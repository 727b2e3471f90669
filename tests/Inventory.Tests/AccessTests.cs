using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Inventory.Features;

namespace TaskFlow.Inventory.Tests;

/// <summary>
/// Access from the route table: every endpoint the host maps under <c>/v1/inventory</c> is called by an anonymous
/// client, a customer (signed in, no role) and the checkout, so a new route is covered without editing this test.
/// </summary>
public abstract partial class AccessTests(InventoryApp app) : InventoryTestBase(app)
{
    sealed record Route(string Method, string Pattern, IReadOnlyList<string>? Roles);

    IReadOnlyList<Route> InventoryRoutes() =>
        [.. App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/inventory", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                new Route(m, e.RoutePattern.RawText!, e.Metadata.GetMetadata<RequiredRoles>()?.Roles)))];

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex Parameter();

    [Fact]
    public async Task Anonymous_callers_get_401_and_customers_change_nothing_on_every_route()
    {
        var routes = InventoryRoutes();
        Assert.True(routes.Count >= 10, $"only {routes.Count} inventory routes found");
        // A customer may change nothing: every route that is not a read needs a role.
        Assert.All(routes.Where(r => r.Method != "GET"), r => Assert.True(r.Roles is { Count: > 0 }, $"{r.Method} {r.Pattern} needs no role"));

        // Real ids, so that a refusal cannot hide behind a 404.
        var productId = await Product(5);
        var reservation = await Reserve(productId, 2);
        var values = new Dictionary<string, string>
        {
            ["productId"] = productId.ToString(),
            ["reservationId"] = reservation.GetProperty("id").GetString()!,
            ["entryId"] = (await Ledger(productId))[0].GetProperty("id").GetString()!,
        };
        string PathOf(Route r) => Parameter().Replace(r.Pattern, m => values[m.Groups[1].Value]);
        // A body that binds (and would be valid) for every write, so that only access decides.
        object? BodyOf(Route r) => r.Method is "GET" or "DELETE" ? null : r.Pattern.EndsWith("/adjustments", StringComparison.Ordinal)
            ? new { quantity = 1, reason = "receiving" }
            : r.Pattern.EndsWith("/reservations", StringComparison.Ordinal) ? ReserveBody(productId, 1)
            : new { on_hand = 9 };

        foreach (var route in routes)
        {
            var path = PathOf(route);
            var anonymous = await Send(Anonymous(), new HttpMethod(route.Method), path, BodyOf(route));
            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{route.Method} {path} anonymous: {(int)anonymous.StatusCode}");
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

            var customer = await Send(Customer(), new HttpMethod(route.Method), path, BodyOf(route));
            if (route.Roles is null)
            {
                Assert.True(customer.StatusCode == HttpStatusCode.OK, $"{route.Method} {path} customer: {(int)customer.StatusCode}");
            }
            else
            {
                var problem = await AssertProblem(customer, HttpStatusCode.Forbidden, "role-required");
                Assert.Contains(route.Roles[0], problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }

            if (route.Roles is { } roles && !roles.Contains("checkout"))
                await AssertProblem(await Send(Checkout(), new HttpMethod(route.Method), path, BodyOf(route)), HttpStatusCode.Forbidden, "role-required");
        }

        // Nothing the refused callers sent changed anything.
        Assert.Equal((5, 2, 3), Numbers(await Stock(productId)));
        Assert.Single(await Ledger(productId));
        var held = await Json(await Admin().GetAsync($"/v1/inventory/reservations/{values["reservationId"]}", Ct));
        Assert.Equal("held", held.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_admin_role_works_as_one_of_several_roles_in_the_token()
    {
        var id = Guid.NewGuid();
        var client = App.Client(TestUser.New(), "customer", "admin");
        Assert.Equal(HttpStatusCode.Created, (await Send(client, HttpMethod.Put, $"/v1/inventory/{id}", new { on_hand = 1 })).StatusCode);
        await AssertProblem(await Send(App.Client(TestUser.New(), "administrator"), HttpMethod.Put, $"/v1/inventory/{id}", new { on_hand = 2 }), HttpStatusCode.Forbidden, "role-required");
    }
}

public sealed class SqliteAccessTests(SqliteInventoryApp app) : AccessTests(app), IClassFixture<SqliteInventoryApp>;

public sealed class PostgresAccessTests(PostgresInventoryApp app) : AccessTests(app), IClassFixture<PostgresInventoryApp>;
