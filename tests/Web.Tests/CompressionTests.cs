using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using TaskFlow.TestKit;

namespace TaskFlow.Web.Tests;

/// <summary>
/// What the real host sends compressed (docs/adr/0013-response-compression.md): API JSON and problems when the client
/// accepts it, MudBlazor's stylesheet as the page references it; never the session or token answers.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed partial class CompressionTests(BrowserFixture fixture)
{
    const string Password = "correct-Horse-battery-9";

    HttpRequestMessage Get(string path, string encodings, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Accept-Encoding", encodings);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task Api_json_and_problems_are_compressed_when_the_client_accepts_it_and_not_otherwise()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var email = $"zip-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, email, Password, "Zip Zap");
        var token = await Accounts.SignIn(http, email, Password);

        using (var br = await http.SendAsync(Get("/v1/users/me", "gzip, deflate, br", token), ct))
        {
            Assert.True(br.IsSuccessStatusCode);
            Assert.Equal(["br"], br.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", br.Headers.Vary);
        }
        using (var gzip = await http.SendAsync(Get("/v1/users/me", "gzip", token), ct))
            Assert.Equal(["gzip"], gzip.Content.Headers.ContentEncoding);
        using (var plain = await http.SendAsync(Get("/v1/users/me", "identity", token), ct))
        {
            Assert.Empty(plain.Content.Headers.ContentEncoding);
            Assert.Contains(email, await plain.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }
        using var problem = await http.SendAsync(Get("/v1/no-such-thing", "br"), ct);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["br"], problem.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Session_and_token_answers_are_never_compressed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var email = $"nozip-{Guid.NewGuid():n}@example.com";
        await Accounts.Register(http, email, Password, "No Zip");

        using var login = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/auth/login", UriKind.Relative)) { Content = JsonContent.Create(new { email, password = Password }) };
        login.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
        using var tokens = await http.SendAsync(login, ct);
        Assert.True(tokens.IsSuccessStatusCode);
        Assert.Empty(tokens.Content.Headers.ContentEncoding);
        Assert.Contains("accessToken", await tokens.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        using var session = new HttpRequestMessage(HttpMethod.Post, new Uri("/app/session/login", UriKind.Relative)) { Content = JsonContent.Create(new { email, password = Password }) };
        session.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
        session.Headers.Add("X-TaskFlow-Session", "1");
        using var answer = await http.SendAsync(session, ct);
        Assert.True(answer.IsSuccessStatusCode);
        Assert.Empty(answer.Content.Headers.ContentEncoding);
        Assert.Contains("accessToken", await answer.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_links_mudblazor_css_and_js_where_they_are_served_compressed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var html = await http.GetStringAsync(new Uri("/signin", UriKind.Relative), ct);
        var links = MudBlazorAsset().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, links.Count);
        foreach (var link in links)
        {
            using var response = await http.SendAsync(Get("/" + link, "gzip, deflate, br"), ct);
            Assert.True(response.IsSuccessStatusCode, link);
            // A published app has Brotli and gzip copies; a build output (this test host) may have gzip only.
            Assert.Contains(Assert.Single(response.Content.Headers.ContentEncoding), new[] { "br", "gzip" });
        }
    }

    [GeneratedRegex("(?:href|src)=\"(_content/MudBlazor/[^\"]+\\.(?:css|js))\"")]
    private static partial Regex MudBlazorAsset();
}
