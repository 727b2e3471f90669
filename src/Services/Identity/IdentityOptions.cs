namespace TaskFlow.Identity;

/// <summary>Configuration section <c>Identity</c>.</summary>
internal sealed class IdentityOptions
{
    public const string Section = "Identity";

    public TokenOptions Tokens { get; set; } = new();
    public LockoutOptions Lockout { get; set; } = new();
    public HashingOptions Hashing { get; set; } = new();
    public LoginLimitOptions LoginLimits { get; set; } = new();
    public MailLimitOptions MailLimits { get; set; } = new();

    internal sealed class MailLimitOptions
    {
        /// <summary><c>Identity:MailLimits:ResetEmailsPerAddressPerHour</c>: password-reset emails to one account in an hour; more requests still answer 202 and send nothing.</summary>
        public int ResetEmailsPerAddressPerHour { get; set; } = 3;
        /// <summary>
        /// <c>Identity:MailLimits:ForgotPasswordMinimumDuration</c>: the forgot-password answer never comes sooner, so an unknown
        /// email (no database writes) answers as late as a known one and timing does not tell which accounts exist.
        /// </summary>
        public TimeSpan ForgotPasswordMinimumDuration { get; set; } = TimeSpan.FromMilliseconds(300);
    }

    internal sealed class HashingOptions
    {
        /// <summary><c>Identity:Hashing:MaxConcurrent</c>: password hashes computed at once; 0 = the processor count.</summary>
        public int MaxConcurrent { get; set; }
        /// <summary><c>Identity:Hashing:MaxQueued</c>: requests waiting for a hashing slot; more are answered 503 at once.</summary>
        public int MaxQueued { get; set; } = 8;
        /// <summary><c>Identity:Hashing:QueueTimeout</c>: longest wait for a slot before 503.</summary>
        public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(10);
    }

    internal sealed class LoginLimitOptions
    {
        /// <summary><c>Identity:LoginLimits:Enabled</c>.</summary>
        public bool Enabled { get; set; } = true;
        /// <summary><c>Identity:LoginLimits:PerAddressPerMinute</c>: sign-in attempts from one client address (burst and rate).</summary>
        public int PerAddressPerMinute { get; set; } = 30;
        /// <summary><c>Identity:LoginLimits:PerAccountPerMinute</c>: sign-in attempts on one email, from anywhere.</summary>
        public int PerAccountPerMinute { get; set; } = 10;
    }

    internal sealed class TokenOptions
    {
        /// <summary><c>Identity:Tokens:AccessLifetime</c>: lifetime of a JWT access token.</summary>
        public TimeSpan AccessLifetime { get; set; } = TimeSpan.FromMinutes(15);
        /// <summary><c>Identity:Tokens:RefreshLifetime</c>: lifetime of a refresh token (each rotation starts a new one).</summary>
        public TimeSpan RefreshLifetime { get; set; } = TimeSpan.FromDays(30);
        /// <summary><c>Identity:Tokens:KeyRotation</c>: age at which the signing key is replaced.</summary>
        public TimeSpan KeyRotation { get; set; } = TimeSpan.FromDays(30);
        /// <summary>
        /// <c>Identity:Tokens:KeyActivationDelay</c>: a new key is published this long before it signs, so every
        /// validator (JWKS caches, <c>Auth:KeyCacheLifetime</c>) knows it before it meets a token signed with it.
        /// </summary>
        public TimeSpan KeyActivationDelay { get; set; } = TimeSpan.FromMinutes(10);
        /// <summary><c>Identity:Tokens:PasswordResetLifetime</c>.</summary>
        public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromHours(1);
        /// <summary><c>Identity:Tokens:EmailVerificationLifetime</c>.</summary>
        public TimeSpan EmailVerificationLifetime { get; set; } = TimeSpan.FromDays(2);
    }

    internal sealed class LockoutOptions
    {
        /// <summary><c>Identity:Lockout:MaxFailures</c>: consecutive failed sign-ins that lock the account.</summary>
        public int MaxFailures { get; set; } = 5;
        /// <summary><c>Identity:Lockout:Duration</c>.</summary>
        public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);
    }

    public bool IsValid() =>
        Tokens.AccessLifetime > TimeSpan.Zero
        && Tokens.RefreshLifetime > Tokens.AccessLifetime
        && Tokens.KeyRotation > TimeSpan.Zero
        && Tokens.KeyActivationDelay >= TimeSpan.Zero
        && Tokens.PasswordResetLifetime > TimeSpan.Zero
        && Tokens.EmailVerificationLifetime > TimeSpan.Zero
        && Lockout.MaxFailures > 0
        && Lockout.Duration > TimeSpan.Zero
        && Hashing.MaxConcurrent >= 0 && Hashing.MaxQueued >= 0 && Hashing.QueueTimeout > TimeSpan.Zero
        && LoginLimits.PerAddressPerMinute > 0 && LoginLimits.PerAccountPerMinute > 0
        && MailLimits.ResetEmailsPerAddressPerHour > 0 && MailLimits.ForgotPasswordMinimumDuration >= TimeSpan.Zero;
}
