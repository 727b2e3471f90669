using TaskFlow.Web.Client;

namespace TaskFlow.Web.Tests;

/// <summary>The layout's start-up work waits only for a page that asked it to (docs/adr/0020-web-fifth-pass.md).</summary>
public sealed class AppStateTests
{
    [Fact]
    public void Layout_work_starts_at_once_when_no_page_asked_to_defer_it()
    {
        Assert.True(new AppState().LayoutWorkMayStart().IsCompleted);
    }

    [Fact]
    public async Task Layout_work_deferred_by_the_page_starts_when_the_page_shows_its_content()
    {
        var state = new AppState();
        state.DeferLayoutWork();
        var mayStart = state.LayoutWorkMayStart();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(mayStart.IsCompleted);

        state.PageContentShown();
        await mayStart.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.True(state.LayoutWorkMayStart().IsCompleted);
    }

    [Fact]
    public async Task Layout_work_is_not_held_for_ever_by_a_page_that_never_shows_its_content()
    {
        var state = new AppState();
        state.DeferLayoutWork();
        await state.LayoutWorkMayStart().WaitAsync(AppState.LayoutWorkMaxDelay + TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void A_later_page_does_not_defer_once_content_was_shown()
    {
        var state = new AppState();
        state.PageContentShown();
        state.DeferLayoutWork();
        Assert.True(state.LayoutWorkMayStart().IsCompleted);
    }
}
