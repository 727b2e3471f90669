using TaskFlow.BuildingBlocks.Messaging;

// Copies of the events this service consumes; the publishers own the originals (same names and properties).
namespace TaskFlow.Notifications.Consumed;

/// <summary>Published by identity when an account is created.</summary>
internal sealed record UserRegistered(Guid UserId, string Email, string DisplayName) : IntegrationEvent;

/// <summary>Published by identity when a user must confirm their address; <c>Token</c> is the raw, single-use token.</summary>
internal sealed record EmailVerificationRequested(Guid UserId, string Email, string DisplayName, string Token, DateTime ExpiresAt) : IntegrationEvent;

/// <summary>Published by identity when a user asks to reset their password.</summary>
internal sealed record PasswordResetRequested(Guid UserId, string Email, string DisplayName, string Token, DateTime ExpiresAt) : IntegrationEvent;

/// <summary>Published by identity when a user changes their name or address.</summary>
internal sealed record UserProfileUpdated(Guid UserId, string Email, string DisplayName) : IntegrationEvent;
