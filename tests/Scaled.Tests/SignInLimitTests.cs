using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TaskFlow.TestKit;

namespace TaskFlow.Scaled.Tests;

/// <summary>
/// The web session endpoint (<c>/app/session/*</c>) calls <c>/v1/auth/*</c> in its own process over 127.0.0.1. Each request
/// must be limited once, by its real client: one client's flood must not use up a bucket every browser shares, and
/// identity's per-address sign-in limit must count the browser, not the loopback address. Real processes, real addresses.
/// </summary>
public sealed class SignInLimitTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_client_exhausting_the_limit_leaves_another_clients_web_sign_in_working()
    {
        var dataDir = Servers.NewDataDir();
        try
        {
            await using var processes = new ProcessGroup();
            var host = await processes.Start("all", "all",
            [
                new("DataDir", dataDir),
                new("Data:Provider", "Sqlite"),
                new("RateLimits:PerIpPerMinute", "5"),
            ]);
            using var victim = host.CreateClient(LoopbackClients.From(IPAddress.Parse("127.0.0.42")));

            // Two clients flood the session endpoint for the whole test (each bucket refills, so keep going).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var limitedSeen = new TaskCompletionSource[] { new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously) };
            var floods = new[] { "127.0.0.41", "127.0.0.45" }.Select((address, n) => Task.Run(async () =>
            {
                using var attacker = host.CreateClient(LoopbackClients.From(IPAddress.Parse(address)));
                while (!stop.IsCancellationRequested)
                {
                    using var request = SessionLogin(new { });
                    // Claiming to be an inner call does not help an outside client.
                    request.Headers.Add("X-TaskFlow-Inner-Call", "guess");
                    request.Headers.Add("X-TaskFlow-Client-Address", "127.0.0.99");
                    try
                    {
                        using var response = await attacker.SendAsync(request, stop.Token);
                        if (response.StatusCode == HttpStatusCode.TooManyRequests) limitedSeen[n].TrySetResult();
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }, CancellationToken.None)).ToList();
            try
            {
                await Task.WhenAll(limitedSeen.Select(t => t.Task)).WaitAsync(TimeSpan.FromSeconds(60), Ct);

                var email = Account.NewEmail();
                await Account.Register(victim, email);
                for (var i = 0; i < 3; i++)
                {
                    using var signIn = await victim.SendAsync(SessionLogin(new { email, password = Account.Password }), Ct);
                    Assert.True(signIn.StatusCode == HttpStatusCode.OK, $"web sign-in {i}: {(int)signIn.StatusCode} {await signIn.Content.ReadAsStringAsync(Ct)}");
                    var token = await signIn.Content.ReadFromJsonAsync<JsonElement>(Ct);
                    Assert.False(string.IsNullOrEmpty(token.GetProperty("accessToken").GetString()));
                }
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(floods);
            }
        }
        finally
        {
            ScaledOutTests.DeleteFolder(dataDir);
        }
    }

    [Fact]
    public async Task Sign_in_attempts_are_limited_per_client_address_also_through_the_web_session()
    {
        var dataDir = Servers.NewDataDir();
        try
        {
            await using var processes = new ProcessGroup();
            var host = await processes.Start("all", "all",
            [
                new("DataDir", dataDir),
                new("Data:Provider", "Sqlite"),
                new("RateLimits:PerIpPerMinute", "1000"),
                new("Identity:LoginLimits:PerAddressPerMinute", "3"),
                new("Identity:LoginLimits:PerAccountPerMinute", "100"),
            ]);
            using var attacker = host.CreateClient(LoopbackClients.From(IPAddress.Parse("127.0.0.43")));
            using var victim = host.CreateClient(LoopbackClients.From(IPAddress.Parse("127.0.0.44")));

            for (var i = 0; i < 3; i++)
            {
                using var attempt = await attacker.PostAsJsonAsync("/v1/auth/login", new { email = Account.NewEmail(), password = "wrong-Password-1" }, Ct);
                Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
            }
            using var direct = await attacker.PostAsJsonAsync("/v1/auth/login", new { email = Account.NewEmail(), password = "wrong-Password-1" }, Ct);
            Assert.Equal(HttpStatusCode.TooManyRequests, direct.StatusCode);
            Assert.Equal("application/problem+json", direct.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(direct.Headers.RetryAfter);

            // The web session's inner call is counted for the browser's address, not for 127.0.0.1.
            using var throughWeb = await attacker.SendAsync(SessionLogin(new { email = Account.NewEmail(), password = "wrong-Password-1" }), Ct);
            Assert.Equal(HttpStatusCode.TooManyRequests, throughWeb.StatusCode);
            Assert.NotNull(throughWeb.Headers.RetryAfter);

            var email = Account.NewEmail();
            await Account.Register(victim, email);
            using var signIn = await victim.SendAsync(SessionLogin(new { email, password = Account.Password }), Ct);
            Assert.True(signIn.StatusCode == HttpStatusCode.OK, $"web sign-in: {(int)signIn.StatusCode} {await signIn.Content.ReadAsStringAsync(Ct)}");
        }
        finally
        {
            ScaledOutTests.DeleteFolder(dataDir);
        }
    }

    static HttpRequestMessage SessionLogin(object body) => new(HttpMethod.Post, new Uri("/app/session/login", UriKind.Relative))
    {
        Content = JsonContent.Create(body),
        Headers = { { "X-TaskFlow-Session", "1" } },
    };
}
