namespace TaskFlow.Web.Client.Api;

// Client-side copies of the identity service's request/response shapes (src/Services/Identity/Features).
// This folder is the ONLY place the web client declares API shapes; see docs/adr/0012-web-session.md.

public sealed record RegisterRequest(string Email, string Password, string DisplayName);
public sealed record RegisterResponse(Guid Id, string Email, string DisplayName);
public sealed record LoginRequest(string Email, string Password);
public sealed record TokenRequest(string Token);
public sealed record ForgotPasswordRequest(string Email);
public sealed record ResetPasswordRequest(string Token, string NewPassword);
public sealed record UserProfile(Guid Id, string Email, string DisplayName, string? AvatarUrl, string? TimeZone, string? Locale, bool EmailVerified, DateTime CreatedAt);

/// <summary>Profile changes: a null field is left as it is.</summary>
public sealed record UpdateProfileRequest(string? DisplayName, string? AvatarUrl = null, string? TimeZone = null, string? Locale = null);

/// <summary>Deleting the account needs the password again.</summary>
public sealed record DeleteAccountRequest(string Password);

/// <summary>What the web app's session endpoint returns: the access token only (the refresh token stays in an HttpOnly cookie).</summary>
public sealed record SessionToken(string AccessToken, int ExpiresIn);

public sealed class IdentityApi(ApiClient api)
{
    public Task<ApiResult<RegisterResponse>> Register(RegisterRequest request) => api.Post<RegisterResponse>("v1/auth/register", request);
    public Task<ApiResult<NoBody>> VerifyEmail(string token) => api.Post<NoBody>("v1/auth/email/verify", new TokenRequest(token));
    public Task<ApiResult<NoBody>> ResendVerification() => api.Post<NoBody>("v1/auth/email/verification", null);
    public Task<ApiResult<NoBody>> ForgotPassword(string email) => api.Post<NoBody>("v1/auth/password/forgot", new ForgotPasswordRequest(email));
    public Task<ApiResult<NoBody>> ResetPassword(string token, string newPassword) => api.Post<NoBody>("v1/auth/password/reset", new ResetPasswordRequest(token, newPassword));
    public Task<ApiResult<UserProfile>> Me() => api.Get<UserProfile>("v1/users/me");
    public Task<ApiResult<UserProfile>> UpdateProfile(UpdateProfileRequest request) => api.Patch<UserProfile>("v1/users/me", request);
    /// <summary>The account's data as a JSON file (taskflow-account.json).</summary>
    public Task<ApiResult<NoBody>> DeleteAccount(string password) => api.Delete<NoBody>("v1/users/me", new DeleteAccountRequest(password));
}
