using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace TaskFlow.Bench.WebBench;

/// <summary>The board every measure opens: an account, a workspace, a project and its cards, made through the API.</summary>
internal static class Seeding
{
    public const string Password = "bench-password-long-enough-1";

    /// <summary>Cards spread evenly over the project's columns; ⅓ assigned to the user, ¼ with a due date.</summary>
    public static async Task<(HttpClient Http, string Email, Guid ProjectId, List<(Guid Id, string Name)> Statuses)> Board(string url, int cards)
    {
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        (await http.PostAsJsonAsync("v1/auth/register", new { email, password = Password, displayName = "Ada Bench" })).EnsureSuccessStatusCode();
        // Access tokens are short-lived and seeding on a busy machine can outlast one: sign in again every few minutes.
        var tokenAge = Stopwatch.StartNew();
        async Task SignIn()
        {
            var token = (await (await http.PostAsJsonAsync("v1/auth/login", new { email, password = Password })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            tokenAge.Restart();
        }
        await SignIn();
        var me = await http.GetFromJsonAsync<JsonElement>("v1/users/me");
        var workspaceId = await Id(await http.PostAsJsonAsync("v1/workspaces", new { name = "Bench" }));
        var projectId = await Retry(async () => await Id(await http.PostAsJsonAsync($"v1/workspaces/{workspaceId}/projects", new { name = "Board bench", key = "BB" })));
        var statuses = await Retry(async () => (await http.GetFromJsonAsync<JsonElement>($"v1/projects/{projectId}/statuses")).EnumerateArray()
            .Select(s => (Id: s.GetProperty("id").GetGuid(), Name: s.GetProperty("name").GetString()!)).ToList());
        string[] priorities = ["none", "low", "medium", "high", "urgent"];
        for (var i = 0; i < cards; i++)
        {
            if (tokenAge.Elapsed > TimeSpan.FromMinutes(5)) await SignIn();
            var status = statuses[i % statuses.Count];
            var body = new
            {
                title = $"Card {i}: {Words(i)}",
                statusId = status.Id,
                priority = priorities[i % priorities.Length],
                assigneeIds = i % 3 == 0 ? new[] { me.GetProperty("id").GetGuid() } : [],
                dueDate = i % 4 == 0 ? DateOnly.FromDateTime(DateTime.UtcNow.AddDays(i % 30)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            };
            await Retry(async () => await Id(await http.PostAsJsonAsync($"v1/projects/{projectId}/tasks", body)));
        }
        Console.Error.WriteLine($"{url}: {cards} cards in {statuses.Count} columns");
        return (http, email, projectId, statuses);
    }

    static string Words(int i) => string.Join(' ', new[] { "refactor", "login", "billing", "export", "search", "layout", "cache", "sync" }.Skip(i % 5).Take(3));

    static async Task<Guid> Id(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    static async Task<T> Retry<T>(Func<Task<T>> attempt)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
