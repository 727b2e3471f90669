using TaskFlow.Web.Client.Api;

namespace TaskFlow.Web.Tests;

/// <summary>What the client reads from a response without HttpClient's header model (docs/adr/0017-web-third-pass.md).</summary>
public sealed class ApiClientTests
{
    [Theory]
    [InlineData("attachment; filename=notes.txt; filename*=UTF-8''notes.txt", "notes.txt")]
    [InlineData("attachment; filename=\"r sum .pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", "résumé.pdf")]
    [InlineData("attachment; filename=\"plain name.txt\"", "plain name.txt")]
    [InlineData("inline", null)]
    [InlineData(null, null)]
    public void A_download_is_named_from_content_disposition_preferring_the_utf8_name(string? disposition, string? name) =>
        Assert.Equal(name, ApiClient.FileName(disposition));

    [Fact]
    public void A_problem_body_gives_status_type_title_and_the_field_errors()
    {
        var body = """{"type":"https://taskflow.dev/problems/validation","title":"Invalid","status":400,"errors":{"Title":["Required."]}}"""u8.ToArray();
        var problem = ApiClient.ReadProblem(new ApiResponse(400, "Bad Request", null, "application/problem+json", null, body));
        Assert.Equal((400, "https://taskflow.dev/problems/validation", "Invalid"), (problem.Status, problem.Type, problem.Title));
        Assert.Equal("Required.", problem.For("title"));
    }

    [Fact]
    public void A_body_that_is_not_a_problem_gives_the_status_text()
    {
        var problem = ApiClient.ReadProblem(new ApiResponse(502, "Bad Gateway", null, "text/html", null, "<html>"u8.ToArray()));
        Assert.Equal((502, "Bad Gateway"), (problem.Status, problem.Title));
    }
}
