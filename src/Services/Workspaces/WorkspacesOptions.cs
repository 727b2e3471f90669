using System.ComponentModel.DataAnnotations;

namespace TaskFlow.Workspaces;

/// <summary>Configuration section <c>Workspaces</c>.</summary>
internal sealed class WorkspacesOptions
{
    public const string Section = "Workspaces";

    /// <summary>How long an invitation can be accepted; default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);
}
