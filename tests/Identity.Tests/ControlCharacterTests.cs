using TaskFlow.TestKit;

namespace TaskFlow.Identity.Tests;

/// <summary>U+0000 and other control characters are a 400 naming the field on both providers (PostgreSQL answered 500).</summary>
public abstract class ControlCharacterTests(TaskFlowApp app) : IdentityTestBase(app)
{
    [Fact]
    public async Task Register_with_a_nul_character_names_the_field()
    {
        var response = await Post("/v1/auth/register", new { email = $"nul-{Guid.NewGuid():N}@example.test", password = "correct-Horse-battery-9", displayName = "Nul\u0000Name" });
        await AssertValidation(response, "displayName");
    }

    [Fact]
    public async Task Login_and_forgot_password_with_control_characters_name_the_field()
    {
        await AssertValidation(await Post("/v1/auth/login", new { email = "a\u0000b@example.test", password = "whatever-Password-1" }), "email");
        await AssertValidation(await Post("/v1/auth/password/forgot", new { email = "a\u0001b@example.test" }), "email");
    }

    [Fact]
    public async Task Line_breaks_and_tabs_are_still_text()
    {
        var user = await NewUser();
        var login = await Post("/v1/auth/login", new { email = user.Email, password = user.Password });
        Assert.Equal(System.Net.HttpStatusCode.OK, login.StatusCode);
        var wrong = await Post("/v1/auth/login", new { email = user.Email, password = "tab\there-and\nline-Break-1" });
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.StatusCode);
    }
}

public sealed class SqliteControlCharacterTests(SqliteApp app) : ControlCharacterTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresControlCharacterTests(PostgresApp app) : ControlCharacterTests(app), IClassFixture<PostgresApp>;
