using TaskFlow.BuildingBlocks.Messaging;

namespace TaskFlow.Identity.Contracts;

/// <summary>An account was created. Notifications sends a welcome email.</summary>
public sealed record UserRegistered(Guid UserId, string Email, string DisplayName) : IntegrationEvent;

/// <summary>The user must confirm their address: mail <c>{App:PublicUrl}/verify-email?token={Token}</c>.</summary>
public sealed record EmailVerificationRequested(Guid UserId, string Email, string DisplayName, string Token, DateTime ExpiresAt) : IntegrationEvent;

/// <summary>The user asked to reset their password: mail <c>{App:PublicUrl}/reset-password?token={Token}</c>.</summary>
public sealed record PasswordResetRequested(Guid UserId, string Email, string DisplayName, string Token, DateTime ExpiresAt) : IntegrationEvent;

/// <summary>The user changed their profile (display name, avatar, time zone or locale).</summary>
public sealed record UserProfileUpdated(Guid UserId, string Email, string DisplayName) : IntegrationEvent;

/// <summary>
/// Sign-in sessions (the access token's <c>sid</c>) ended by logout, password reset or change, or refresh-token reuse:
/// every service rejects their access tokens from now on, although they have not expired.
/// </summary>
public sealed record SessionsRevoked(Guid UserId, IReadOnlyList<Guid> SessionIds) : IntegrationEvent;
