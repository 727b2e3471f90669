namespace TaskFlow.Notifications.Data;

/// <summary>A notification shown in the app to one user (the bell). Created by event handlers, read and dismissed by its recipient.</summary>
internal sealed class InAppNotification
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>What this notification is for, derived from the event and recipient (<c>task_assigned:{eventId}:{userId}</c>): unique, so a redelivered event cannot create it twice.</summary>
    public required string DedupKey { get; set; }

    public Guid RecipientId { get; set; }

    /// <summary>One of <see cref="Features.NotificationKinds.All"/>.</summary>
    public required string Kind { get; set; }

    public required string Title { get; set; }
    public string? Body { get; set; }

    /// <summary>Relative URL in the web app, e.g. <c>/tasks/{taskId}</c>.</summary>
    public string? Link { get; set; }

    public Guid? TaskId { get; set; }
    public Guid? ProjectId { get; set; }
    public Guid? WorkspaceId { get; set; }
    public Guid? ActorId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
}

/// <summary>A user's choice for one kind; a missing row means the defaults (in-app and email on, SMS only for urgent kinds).</summary>
internal sealed class NotificationPreference
{
    public Guid UserId { get; set; }
    public required string Kind { get; set; }
    public bool InApp { get; set; } = true;
    public bool Email { get; set; } = true;

    /// <summary>Send a text message (only when the user turned SMS on in <see cref="NotificationSettings"/>); new rows start from the kind's default.</summary>
    public bool Sms { get; set; }
}

/// <summary>Local copy of identity's users (from <c>UserRegistered</c>/<c>UserProfileUpdated</c>): names for texts, addresses for emails.</summary>
internal sealed class KnownUser
{
    public Guid Id { get; set; }
    public required string Email { get; set; }

    /// <summary>Lower-case <see cref="Email"/>, to find a user from an invitation address.</summary>
    public required string NormalizedEmail { get; set; }

    public required string DisplayName { get; set; }
}

/// <summary>Local copy of a workspace's name and owner (from <c>WorkspaceCreated</c>).</summary>
internal sealed class KnownWorkspace
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public Guid OwnerId { get; set; }
}

/// <summary>Local copy of a task's key and title (from <c>TaskCreated</c>), so texts can name the task.</summary>
internal sealed class KnownTask
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public required string Key { get; set; }
    public required string Title { get; set; }
}
