namespace TaskFlow.Web.Client.Api;

public static class Retry
{
    /// <summary>
    /// Services learn about new workspaces and projects through events, so for a moment after creating one another
    /// service may answer 404. Retry a few times before showing the 404.
    /// </summary>
    public static async Task<ApiResult<T>> WhileNotFound<T>(Func<Task<ApiResult<T>>> call, int attempts = 10)
    {
        var result = await call();
        for (var i = 1; i < attempts && result.Problem?.Status == 404; i++)
        {
            await Task.Delay(200 * i);
            result = await call();
        }
        return result;
    }
}
