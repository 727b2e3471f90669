using System.ComponentModel.DataAnnotations;

namespace TaskFlow.Workspaces;

/// <summary>Configuration section <c>Workspaces</c>.</summary>
internal sealed class WorkspacesOptions
{
    public const string Section = "Workspaces";

    /// <summary>How long an invitation can be accepted; default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    public InvitationLimitOptions InvitationLimits { get; set; } = new();

    internal sealed class InvitationLimitOptions
    {
        /// <summary><c>Workspaces:InvitationLimits:PerSenderPerHour</c>: invitation emails (new or resent) one member may cause in an hour.</summary>
        [Range(1, 100_000)]
        public int PerSenderPerHour { get; set; } = 30;

        /// <summary><c>Workspaces:InvitationLimits:PerAddressPerHour</c>: invitation emails one address may receive in an hour, from anyone.</summary>
        [Range(1, 100_000)]
        public int PerAddressPerHour { get; set; } = 5;
    }
}
