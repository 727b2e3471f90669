using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using TaskFlow.Web.Client;
using TaskFlow.Web.Client.Api;
using TaskFlow.Web.Client.Components;

namespace TaskFlow.Web.Tests;

[Trait("Category", "Components")]
public sealed class SearchDialogTests : BunitContext
{
    static readonly SearchResult Project = new(SearchResult.ProjectKind, Guid.NewGuid(), "GEAR", "Gear works", null, "/projects/p");
    static readonly SearchResult First = new(SearchResult.TaskKind, Guid.NewGuid(), "GEAR-1", "Cut the gears", "Cut the <mark>gear</mark>s <script>alert(1)</script>", "/tasks/first");
    static readonly SearchResult Second = new(SearchResult.TaskKind, Guid.NewGuid(), "GEAR-2", "Oil the gearbox", "Oil the <mark>gearbox</mark>", "/tasks/second");

    readonly List<string> queries = [];

    public SearchDialogTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddTaskFlowClient();
        Services.AddScoped<IApiTransport>(_ => new HttpTransport(new HttpClient { BaseAddress = new Uri("http://localhost/") }));
        Renderer.SetRendererInfo(new RendererInfo("WebAssembly", isInteractive: true));
    }

    Task<ApiResult<List<SearchResult>>> Found(string query, CancellationToken ct)
    {
        queries.Add(query);
        return Task.FromResult(new ApiResult<List<SearchResult>>([Project, First, Second], null));
    }

    async Task<IRenderedComponent<MudDialogProvider>> Open(SearchSource source)
    {
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var parameters = new DialogParameters<SearchDialog>
        {
            { d => d.Source, source },
            { d => d.ScopeName, "Engines" },
            { d => d.DebounceMilliseconds, 0 },
        };
        await provider.InvokeAsync(() => dialogs.ShowAsync<SearchDialog>("Search", parameters));
        return provider;
    }

    static string[] Selected(IRenderedComponent<MudDialogProvider> provider) =>
        [.. provider.FindAll("[data-testid=search-result][aria-selected=true]").Select(e => e.Id!)];

    [Fact]
    public async Task Typing_lists_projects_and_tasks_with_highlights_and_no_markup_from_the_snippet()
    {
        var provider = await Open(Found);
        Assert.NotNull(provider.Find("[data-testid=search-hint]"));

        provider.Find("#search-input").Input("gear");

        provider.WaitForAssertion(() => Assert.Equal(3, provider.FindAll("[data-testid=search-result]").Count));
        Assert.Equal(["gear"], queries);
        var items = provider.FindAll("[data-testid=search-result]");
        Assert.Equal(["project", "task", "task"], items.Select(i => i.GetAttribute("data-kind")));
        Assert.Contains("Gear works", items[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("gear", items[1].QuerySelector("mark")!.TextContent);
        Assert.Null(items[1].QuerySelector("script"));
        Assert.Contains("<script>", items[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("Search in Engines", provider.Markup, StringComparison.Ordinal);
        // The field is a combobox pointing at the highlighted option, for screen readers.
        var input = provider.Find("#search-input");
        Assert.Equal("search-results", input.GetAttribute("aria-controls"));
        Assert.Equal("search-result-0", input.GetAttribute("aria-activedescendant"));
    }

    [Fact]
    public async Task Arrow_keys_move_the_selection_and_enter_opens_the_selected_task()
    {
        var provider = await Open(Found);
        provider.Find("#search-input").Input("gear");
        provider.WaitForAssertion(() => Assert.Equal(["search-result-0"], Selected(provider)));

        provider.Find("#search-input").KeyDown(new KeyboardEventArgs { Key = "ArrowDown" });
        provider.Find("#search-input").KeyDown(new KeyboardEventArgs { Key = "ArrowDown" });
        Assert.Equal(["search-result-2"], Selected(provider));
        provider.Find("#search-input").KeyDown(new KeyboardEventArgs { Key = "ArrowDown" });
        Assert.Equal(["search-result-0"], Selected(provider));
        provider.Find("#search-input").KeyDown(new KeyboardEventArgs { Key = "ArrowUp" });
        Assert.Equal(["search-result-2"], Selected(provider));
        provider.Find("#search-input").KeyDown(new KeyboardEventArgs { Key = "ArrowUp" });
        Assert.Equal(["search-result-1"], Selected(provider));

        provider.Find("#search-input").KeyDown(new KeyboardEventArgs { Key = "Enter" });

        Assert.EndsWith("/tasks/first", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll("[data-testid=search-dialog]")));
    }

    [Fact]
    public async Task Escape_closes_without_navigating()
    {
        var provider = await Open(Found);
        provider.Find("#search-input").KeyDown(new KeyboardEventArgs { Key = "Escape" });
        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll("[data-testid=search-dialog]")));
        Assert.Equal("http://localhost/", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task Empty_and_error_states_are_shown()
    {
        var fail = false;
        var provider = await Open((q, ct) => Task.FromResult(fail
            ? new ApiResult<List<SearchResult>>(null, new ApiProblem(503, null, "Search is unavailable.", null, new Dictionary<string, string[]>()))
            : new ApiResult<List<SearchResult>>([], null)));

        provider.Find("#search-input").Input("nothing");
        provider.WaitForAssertion(() => Assert.Contains("Nothing matches “nothing”.", provider.Find("[data-testid=list-empty]").TextContent, StringComparison.Ordinal));

        fail = true;
        provider.Find("#search-input").Input("broken");
        provider.WaitForAssertion(() => Assert.Contains("Search is unavailable.", provider.Find("[data-testid=list-error]").TextContent, StringComparison.Ordinal));
        provider.Find("#search-input").KeyDown(new KeyboardEventArgs { Key = "Enter" });
        Assert.Equal("http://localhost/", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void Snippet_highlights_split_into_plain_and_marked_parts()
    {
        Assert.Equal(
            [("a ", false), ("b", true), (" c ", false), ("d", true)],
            SearchDialog.Highlight("a <mark>b</mark> c <mark>d</mark>").ToArray());
        Assert.Equal([("plain", false)], SearchDialog.Highlight("plain").ToArray());
    }
}
