using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace TaskFlow.Tasks.Features;

/// <summary>
/// Reads other tools' exports into TaskFlow's import rows: a Trello board's JSON export (<c>lists</c>, <c>cards</c> with
/// <c>idList</c>, <c>idLabels</c>, <c>idMembers</c>, <c>labels</c>, <c>members</c>) and a Jira CSV export (<c>Summary</c>,
/// <c>Issue key</c>, <c>Status</c>, <c>Priority</c>, <c>Assignee</c>, one <c>Labels</c> column per label, <c>Description</c>,
/// <c>Due date</c>). Statuses, labels and people are names here; <see cref="ImportTasks"/> maps them to the project's.
/// </summary>
internal static class ImportFormats
{
    /// <summary>One task to import, as the source names things. <see cref="Row"/> is the card's position (Trello, from 1) or the CSV record (Jira, header = 1).</summary>
    internal sealed record SourceTask(
        int Row, string Title, string? Description, string? Status, string? Priority, DateOnly? DueDate, List<string> People, List<string> Labels, string? SourceKey);

    /// <summary>The tasks of a Trello board export; archived cards and cards of archived lists are left out.</summary>
    public static List<SourceTask> Trello(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cards", out var cards) || cards.ValueKind != JsonValueKind.Array)
            throw new FormatException("This is not a Trello board export: it has no \"cards\".");
        var lists = Named(root, "lists", "name");
        var closedLists = Ids(root, "lists", e => Bool(e, "closed"));
        var labels = Named(root, "labels", "name");
        var members = new Dictionary<string, string>();
        if (root.TryGetProperty("members", out var m) && m.ValueKind == JsonValueKind.Array)
            foreach (var member in m.EnumerateArray())
                if (Text(member, "id") is { } id)
                    members[id] = Text(member, "fullName") is { Length: > 0 } full ? full : Text(member, "username") ?? id;

        var tasks = new List<SourceTask>();
        var row = 0;
        foreach (var card in cards.EnumerateArray())
        {
            row++;
            if (Bool(card, "closed") || (Text(card, "idList") is { } list && closedLists.Contains(list))) continue;
            var people = Strings(card, "idMembers").Select(id => members.GetValueOrDefault(id, id)).ToList();
            var cardLabels = Strings(card, "idLabels").Select(id => labels.GetValueOrDefault(id, "")).Where(n => n.Length > 0).ToList();
            // Labels embedded in the card (older exports) carry their names.
            if (cardLabels.Count == 0 && card.TryGetProperty("labels", out var embedded) && embedded.ValueKind == JsonValueKind.Array)
                cardLabels = [.. embedded.EnumerateArray().Select(l => Text(l, "name") ?? "").Where(n => n.Length > 0)];
            DateOnly? due = Text(card, "due") is { } dueText && DateTime.TryParse(dueText, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
                ? DateOnly.FromDateTime(d) : null;
            var description = Text(card, "desc");
            tasks.Add(new SourceTask(row, Text(card, "name") ?? "", string.IsNullOrWhiteSpace(description) ? null : description,
                Text(card, "idList") is { } l ? lists.GetValueOrDefault(l) : null, null, due, people, cardLabels, Text(card, "shortLink")));
        }
        return tasks;
    }

    static readonly string[] JiraDateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "dd/MMM/yy h:mm tt", "dd/MMM/yy hh:mm tt", "dd/MMM/yy", "d/MMM/yy h:mm tt", "d/MMM/yy",
        "dd/MMM/yyyy h:mm tt", "dd/MMM/yyyy", "MM/dd/yyyy", "M/d/yyyy",
    ];

    /// <summary>The issues of a Jira CSV export. Jira repeats a column (<c>Labels</c>) once per value.</summary>
    public static List<SourceTask> Jira(string text)
    {
        using var csv = new CsvReader(new StringReader(text), new CsvConfiguration(CultureInfo.InvariantCulture) { DetectDelimiter = false, MissingFieldFound = null, HeaderValidated = null });
        if (!csv.Read()) throw new FormatException("The file is empty: a Jira export starts with a header row.");
        var header = csv.Parser.Record!.Select(h => h.Trim()).ToArray();
        int Column(string name) => Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        int[] Columns(string name) => [.. Enumerable.Range(0, header.Length).Where(i => string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase))];
        var summary = Column("Summary");
        if (summary < 0) throw new FormatException("This is not a Jira export: it has no \"Summary\" column.");
        var (key, status, priority, assignee, description, due) = (Column("Issue key"), Column("Status"), Column("Priority"), Column("Assignee"), Column("Description"), Column("Due date"));
        var labels = Columns("Labels");

        var tasks = new List<SourceTask>();
        var row = 1;
        while (csv.Read())
        {
            row++;
            var values = csv.Parser.Record!;
            string? Value(int index) => index >= 0 && index < values.Length && values[index].Trim() is { Length: > 0 } v ? v : null;
            if (values.All(string.IsNullOrWhiteSpace)) continue;
            DateOnly? dueDate = null;
            if (Value(due) is { } dueText)
            {
                if (DateTime.TryParseExact(dueText, JiraDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) dueDate = DateOnly.FromDateTime(d);
                else throw new ImportRowException(row, "dueDate", $"\"{dueText}\" is not a date Jira exports (like 2026-12-31 or 31/Dec/26 12:00 AM).");
            }
            tasks.Add(new SourceTask(row, Value(summary) ?? "", Value(description), Value(status), JiraPriority(Value(priority)), dueDate,
                Value(assignee) is { } a ? [a] : [], [.. labels.Select(Value).OfType<string>()], Value(key)));
        }
        return tasks;
    }

    /// <summary>Jira's default priorities; others are taken by name when they match TaskFlow's.</summary>
    static string? JiraPriority(string? name) => name?.ToLowerInvariant() switch
    {
        null => null,
        "highest" or "blocker" or "critical" => "urgent",
        "high" or "major" => "high",
        "medium" => "medium",
        "low" or "minor" => "low",
        "lowest" or "trivial" => "low",
        var other => other,
    };

    /// <summary>
    /// The workflow category a foreign status name most likely means, for names the project does not have:
    /// Trello lists are free text, Jira's statuses are the team's own.
    /// </summary>
    public static string Category(string name)
    {
        var n = name.ToLowerInvariant();
        if (n.Contains("cancel", StringComparison.Ordinal) || n.Contains("won't", StringComparison.Ordinal) || n.Contains("wont", StringComparison.Ordinal) || n.Contains("rejected", StringComparison.Ordinal)) return "cancelled";
        if (n.Contains("done", StringComparison.Ordinal) || n.Contains("complete", StringComparison.Ordinal) || n.Contains("closed", StringComparison.Ordinal)
            || n.Contains("resolved", StringComparison.Ordinal) || n.Contains("shipped", StringComparison.Ordinal) || n.Contains("released", StringComparison.Ordinal)) return "done";
        if (n.Contains("progress", StringComparison.Ordinal) || n.Contains("doing", StringComparison.Ordinal) || n.Contains("review", StringComparison.Ordinal)
            || n.Contains("testing", StringComparison.Ordinal) || n.Contains("active", StringComparison.Ordinal) || n.Contains("started", StringComparison.Ordinal)) return "in_progress";
        if (n.Contains("backlog", StringComparison.Ordinal) || n.Contains("icebox", StringComparison.Ordinal) || n.Contains("someday", StringComparison.Ordinal) || n.Contains("idea", StringComparison.Ordinal)) return "backlog";
        return "todo";
    }

    /// <summary>Letters and digits only, lower case: "Ada Lovelace", "ada.lovelace" and "ada_lovelace" are one name.</summary>
    public static string Squash(string text) => new([.. text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    static Dictionary<string, string> Named(JsonElement root, string array, string name)
    {
        var map = new Dictionary<string, string>();
        if (root.TryGetProperty(array, out var items) && items.ValueKind == JsonValueKind.Array)
            foreach (var item in items.EnumerateArray())
                if (Text(item, "id") is { } id) map[id] = Text(item, name) ?? "";
        return map;
    }

    static HashSet<string> Ids(JsonElement root, string array, Func<JsonElement, bool> where)
    {
        var set = new HashSet<string>();
        if (root.TryGetProperty(array, out var items) && items.ValueKind == JsonValueKind.Array)
            foreach (var item in items.EnumerateArray())
                if (where(item) && Text(item, "id") is { } id) set.Add(id);
        return set;
    }

    static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    static IEnumerable<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString()).OfType<string>() : [];
}

/// <summary>A row of a foreign export that cannot be read at all.</summary>
internal sealed class ImportRowException(int row, string field, string message) : Exception(message)
{
    public int Row { get; } = row;
    public string Field { get; } = field;
}
