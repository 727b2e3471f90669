using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TaskFlow.Web.Client.Auth;

namespace TaskFlow.Web.Tests;

/// <summary>What the first load of a page asks the browser to fetch (docs/adr/0015-web-first-load-second-pass.md).</summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed partial class FirstLoadTests(BrowserFixture fixture)
{
    /// <summary>
    /// The page hands WebAssembly its persisted state; with a resource-collection address in it, the runtime would import
    /// <c>_framework/resource-collection.js</c> (every asset and its hash) before it renders anything.
    /// </summary>
    [Fact]
    public async Task The_page_does_not_send_webassembly_to_the_resource_collection()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.Host.CreateClient();
        var html = await http.GetStringAsync(new Uri("/signin", UriKind.Relative), ct);
        var state = WebAssemblyState().Match(html);
        Assert.True(state.Success, "the page carries no WebAssembly component state");
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(Convert.FromBase64String(state.Groups[1].Value))!;
        var decoded = values.Values.Select(v => Encoding.UTF8.GetString(Convert.FromBase64String(v))).ToList();
        Assert.Contains(decoded, v => v.Contains("ResourceCollectionProvider", StringComparison.Ordinal));
        Assert.DoesNotContain(decoded, v => v.Contains("resource-collection", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("200\n{\"a\":1}", 200, "{\"a\":1}")]
    [InlineData("401\n", 401, "")]
    [InlineData("204\nline one\nline two", 204, "line one\nline two")]
    [InlineData("garbage", 0, null)]
    public void The_session_scripts_answer_is_read_as_status_and_body(string answer, int status, string? body) =>
        Assert.Equal((status, body), SessionService.ParseRefreshAnswer(answer));

    [GeneratedRegex("<!--Blazor-WebAssembly-Component-State:([A-Za-z0-9+/=]+)-->")]
    private static partial Regex WebAssemblyState();
}
