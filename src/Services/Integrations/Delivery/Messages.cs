using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Delivery;

/// <summary>The webhook event kinds and the bodies sent for them.</summary>
internal static class Messages
{
    /// <summary>Every kind a webhook can subscribe to, by the integration event it comes from.</summary>
    public static readonly IReadOnlyDictionary<string, string> KindByEvent = new Dictionary<string, string>
    {
        ["TaskCreated"] = "task.created",
        ["TaskUpdated"] = "task.updated",
        ["TaskMoved"] = "task.moved",
        ["TaskAssigned"] = "task.assigned",
        ["TaskUnassigned"] = "task.unassigned",
        ["TaskDeleted"] = "task.deleted",
        ["CommentAdded"] = "comment.added",
        ["CommentEdited"] = "comment.edited",
        ["CommentDeleted"] = "comment.deleted",
        ["AttachmentAdded"] = "attachment.added",
        ["AttachmentDeleted"] = "attachment.deleted",
        ["ProjectCreated"] = "project.created",
        ["ProjectUpdated"] = "project.updated",
        ["ProjectArchived"] = "project.archived",
        ["ProjectUnarchived"] = "project.unarchived",
        ["ProjectDeleted"] = "project.deleted",
    };

    public static readonly IReadOnlySet<string> Kinds = KindByEvent.Values.ToHashSet();

    /// <summary>The kind of the message sent by <c>POST .../test</c>.</summary>
    public const string TestKind = "webhook.test";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Data.Delivery Create(Webhook hook, string kind, Guid eventId, DateTime occurredAt, Guid workspaceId, JsonObject data, Guid? sourceEventId)
    {
        var now = Clock.UtcNow();
        return new Data.Delivery
        {
            Id = Guid.CreateVersion7(),
            WebhookId = hook.Id,
            WorkspaceId = workspaceId,
            EventKind = kind,
            SourceEventId = sourceEventId,
            Body = hook.Kind == WebhookKinds.Slack ? Slack(kind, occurredAt, data) : Plain(eventId, kind, occurredAt, workspaceId, data),
            Status = DeliveryStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    /// <summary><c>{ id, type, occurredAt, workspaceId, data }</c>; <c>id</c> is the event's id, the same on every redelivery.</summary>
    static string Plain(Guid eventId, string kind, DateTime occurredAt, Guid workspaceId, JsonObject data) =>
        new JsonObject
        {
            ["id"] = eventId,
            ["type"] = kind,
            ["occurredAt"] = occurredAt,
            ["workspaceId"] = workspaceId,
            ["data"] = data.DeepClone(),
        }.ToJsonString(Json);

    /// <summary>A Slack Block Kit message: a fallback <c>text</c>, a mrkdwn section and a context line.</summary>
    static string Slack(string kind, DateTime occurredAt, JsonObject data)
    {
        var text = SlackText(kind, data);
        return new JsonObject
        {
            ["text"] = text,
            ["blocks"] = new JsonArray(
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text } },
                new JsonObject
                {
                    ["type"] = "context",
                    ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = $"TaskFlow · {kind} · {occurredAt:yyyy-MM-dd HH:mm} UTC" }),
                }),
        }.ToJsonString(Json);
    }

    static string SlackText(string kind, JsonObject data)
    {
        var key = Escape(Field(data, "key"));
        var title = Escape(Field(data, "title"));
        var task = key.Length > 0 ? $"*{key}*" : "A task";
        var titled = title.Length > 0 ? $"{task} {title}" : task;
        return kind switch
        {
            "task.created" => $"New task {titled}",
            "task.updated" => $"Updated {titled}" + (data["changedFields"] is JsonArray fields ? $" ({Escape(string.Join(", ", fields.Select(f => f?.ToString())))})" : ""),
            "task.moved" => $"Moved {titled}",
            "task.assigned" => $"Assigned {titled}",
            "task.unassigned" => $"Unassigned {titled}",
            "task.deleted" => $"Deleted {task}",
            "comment.added" => $"New comment on {titled}" + (Field(data, "excerpt") is { Length: > 0 } excerpt ? $"\n>{Escape(excerpt).Replace("\n", "\n>", StringComparison.Ordinal)}" : ""),
            "comment.edited" => "A comment was edited",
            "comment.deleted" => "A comment was deleted",
            "attachment.added" => $"New attachment {Escape(Field(data, "fileName"))}",
            "attachment.deleted" => "An attachment was deleted",
            "project.created" => $"New project *{Escape(Field(data, "name"))}* ({key})",
            "project.updated" => "A project was updated",
            "project.archived" => "A project was archived",
            "project.unarchived" => "A project was unarchived",
            "project.deleted" => "A project was deleted",
            TestKind => "Test message from TaskFlow: this Slack integration works.",
            _ => $"TaskFlow event {kind}",
        };
    }

    static string Field(JsonObject data, string name) =>
        data[name] is JsonValue value && value.TryGetValue<string>(out var s) ? s : "";

    /// <summary>Slack mrkdwn needs only these three escaped.</summary>
    static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => c.ToString() });
        }
        return sb.ToString();
    }
}
