using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using TaskFlow.Tasks.Data;

namespace TaskFlow.Tasks.Features;

/// <summary>
/// A page of a project's task list without full-text search (board columns, filtered lists: every list the list cache
/// misses under writes), read in one statement and written straight as the JSON the serializer would write for
/// <see cref="Page{T}"/> of <see cref="TaskResponse"/> (docs/adr/0050). The EF path (<see cref="ListTasks"/>) took
/// three things a miss paid for: a second round trip for the details, EF's query pipeline (the expression tree
/// parameterised and looked up in the query cache on every request, entities materialised with their cycles) and the
/// response records serialised by reflection. The filters and keyset order mirror <see cref="ListTasks"/>'s LINQ; the
/// same indexes serve them.
/// </summary>
internal static class ListPages
{
    /// <summary>The lists this path serves: every project list but full-text search (<c>q</c>, <c>sort=relevance</c>).</summary>
    public static bool Serves(ListTasks.Filter filter, string sort) => filter.Q is null && sort != "relevance";

    public static async Task<byte[]> Read(
        TasksDb db, Guid projectId, ListTasks.Filter filter, string sort, Cursor.Position? after, int take, JsonSerializerOptions json, CancellationToken ct)
    {
        var postgres = db.IsPostgres;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = Sql(command, postgres, projectId, filter, sort, after, take + 1);
            var rows = new List<Row>(take + 1);
            await using (var reader = await command.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) rows.Add(Read(reader, postgres));
            string? next = null;
            if (rows.Count > take)
            {
                rows.RemoveAt(take);
                next = Cursor.Encode(KeyOf(rows[^1], sort));
            }
            return Write(rows, projectId, next, json);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>One task of the page with its details, as read.</summary>
    sealed class Row
    {
        public Guid Id;
        public long Number;
        public string Key = "";
        public string Title = "";
        public string? Description;
        public Guid StatusId;
        public string Rank = "";
        public Priority Priority;
        public DateOnly? DueDate;
        public DateOnly DueSort;
        public DateOnly? StartDate;
        public double? Estimate;
        public Guid? ParentId;
        public Guid ReporterId;
        public DateTime CreatedAt;
        public DateTime UpdatedAt;
        public int Version;
        public Guid? CycleId;
        public string? CycleName;
        public DateOnly CycleStart;
        public DateOnly CycleEnd;
        public Guid[] Assignees = [];
        public Guid[] Watchers = [];
        public (Guid Id, string Name, string Color)[] Labels = [];
    }

    const string Columns = """
        t."Id", t."Number", t."Key", t."Title", t."Description", t."StatusId", t."Rank", t."Priority", t."DueDate", t."DueSort",
        t."StartDate", t."Estimate", t."ParentId", t."ReporterId", t."CreatedAt", t."UpdatedAt", t."Version", t."CycleId",
        c."Name", c."StartDate", c."EndDate"
        """;

    const string Inner = """
        t."Id", t."Number", t."Key", t."Title", t."Description", t."StatusId", t."Rank", t."Priority", t."DueDate", t."DueSort",
        t."StartDate", t."Estimate", t."ParentId", t."ReporterId", t."CreatedAt", t."UpdatedAt", t."Version", t."CycleId"
        """;

    /// <summary>
    /// PostgreSQL: the details as arrays (binary on the wire), the labels' three columns from one lateral subquery.
    /// SQLite: the ids joined by commas, the labels as JSON. Either way one row per task and the subqueries run only for
    /// the page's rows (the inner query holds the limit).
    /// </summary>
    const string PostgresDetails = """
        ,
        ARRAY(SELECT x."UserId" FROM task_assignees AS x WHERE x."TaskId" = t."Id"),
        ARRAY(SELECT x."UserId" FROM task_watchers AS x WHERE x."TaskId" = t."Id"),
        lb.ids, lb.names, lb.colors
        """;

    const string PostgresLabels = """
        LEFT JOIN LATERAL (SELECT array_agg(x."LabelId") AS ids, array_agg(k."Name") AS names, array_agg(k."Color") AS colors
            FROM task_labels AS x JOIN labels AS k ON k."Id" = x."LabelId" WHERE x."TaskId" = t."Id") AS lb ON TRUE
        """;

    const string SqliteDetails = """
        ,
        (SELECT group_concat(x."UserId") FROM task_assignees AS x WHERE x."TaskId" = t."Id"),
        (SELECT group_concat(x."UserId") FROM task_watchers AS x WHERE x."TaskId" = t."Id"),
        (SELECT json_group_array(json_array(x."LabelId", k."Name", k."Color")) FROM task_labels AS x JOIN labels AS k ON k."Id" = x."LabelId" WHERE x."TaskId" = t."Id")
        """;

    static string Sql(DbCommand command, bool postgres, Guid projectId, ListTasks.Filter filter, string sort, Cursor.Position? after, int limit)
    {
        var where = new StringBuilder("""t."ProjectId" = @p""");
        Add(command, postgres, "p", projectId);
        if (filter.Status is { } s) Filter("""t."StatusId" = @s""", "s", s);
        if (filter.Category is { } c) Filter("""EXISTS (SELECT 1 FROM statuses AS x WHERE x."Id" = t."StatusId" AND x."Category" = @c)""", "c", c);
        if (filter.Assignee is { } a) Filter("""EXISTS (SELECT 1 FROM task_assignees AS x WHERE x."TaskId" = t."Id" AND x."UserId" = @a)""", "a", a);
        if (filter.Label is { } l) Filter("""EXISTS (SELECT 1 FROM task_labels AS x WHERE x."TaskId" = t."Id" AND x."LabelId" = @l)""", "l", l);
        if (filter.Cycle is { } cy) Filter("""t."CycleId" = @cy""", "cy", cy);
        if (filter.Priority is { } pf) Filter("""t."Priority" = @pf""", "pf", (int)pf);
        // DueSort is the due date, or DateOnly.MaxValue when there is none.
        if (filter.DueBefore is { } d1) Filter("""t."DueSort" <= @d1""", "d1", d1);
        if (filter.DueAfter is { } d2)
        {
            Filter("""t."DueSort" >= @d2 AND t."DueSort" <> @dmax""", "d2", d2);
            Add(command, postgres, "dmax", DateOnly.MaxValue);
        }
        if (filter.Parent is { } pa) Filter("""t."ParentId" = @pa""", "pa", pa);

        // Keyset order in one project: the task number breaks ties (ListTasks.Order).
        var n = after?.Number ?? 0;
        string order;
        switch (sort)
        {
            case "key":
                Keyset("""t."Number" > @n""");
                order = """t."Number" """;
                break;
            case "updated":
                if (after is not null)
                {
                    Add(command, postgres, "v", new DateTime(long.Parse(after.Value!, CultureInfo.InvariantCulture), DateTimeKind.Utc));
                    Keyset("""(t."UpdatedAt" < @v OR (t."UpdatedAt" = @v AND t."Number" < @n))""");
                }
                order = """t."UpdatedAt" DESC, t."Number" DESC""";
                break;
            case "priority":
                if (after is not null)
                {
                    Add(command, postgres, "v", int.Parse(after.Value!, CultureInfo.InvariantCulture));
                    Keyset("""(t."Priority" < @v OR (t."Priority" = @v AND t."Number" < @n))""");
                }
                order = """t."Priority" DESC, t."Number" DESC""";
                break;
            case "dueDate":
                if (after is not null)
                {
                    Add(command, postgres, "v", DateOnly.ParseExact(after.Value!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
                    Keyset("""(t."DueSort" > @v OR (t."DueSort" = @v AND t."Number" > @n))""");
                }
                order = """t."DueSort", t."Number" """;
                break;
            case "rank":
                if (after is not null)
                {
                    Add(command, postgres, "v", after.Value!);
                    Keyset("""(t."Rank" > @v OR (t."Rank" = @v AND t."Number" > @n))""");
                }
                order = """t."Rank", t."Number" """;
                break;
            default:
                Keyset("""t."Number" < @n""");
                order = """t."Number" DESC""";
                break;
        }
        Add(command, postgres, "limit", limit);
        return $"""
            SELECT {Columns}{(postgres ? PostgresDetails : SqliteDetails)}
            FROM (SELECT {Inner} FROM tasks AS t WHERE {where} ORDER BY {order} LIMIT @limit) AS t
            LEFT JOIN cycles AS c ON c."Id" = t."CycleId"
            {(postgres ? PostgresLabels : "")}
            ORDER BY {order}
            """;

        void Filter(string sql, string name, object value)
        {
            where.Append(" AND ").Append(sql);
            Add(command, postgres, name, value);
        }

        void Keyset(string sql)
        {
            if (after is null) return;
            where.Append(" AND ").Append(sql);
            if (!command.Parameters.Contains("n")) Add(command, postgres, "n", n);
        }
    }

    /// <summary>SQLite keeps ids as upper-case text (EF Core's mapping); Microsoft.Data.Sqlite would bind a Guid as a blob.</summary>
    static void Add(DbCommand command, bool postgres, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = !postgres && value is Guid id ? id.ToString().ToUpperInvariant() : value;
        command.Parameters.Add(parameter);
    }

    static Row Read(DbDataReader r, bool postgres)
    {
        var row = new Row
        {
            Id = r.GetGuid(0),
            Number = r.GetInt64(1),
            Key = r.GetString(2),
            Title = r.GetString(3),
            Description = r.IsDBNull(4) ? null : r.GetString(4),
            StatusId = r.GetGuid(5),
            Rank = r.GetString(6),
            Priority = (Priority)r.GetInt32(7),
            DueDate = r.IsDBNull(8) ? null : r.GetFieldValue<DateOnly>(8),
            DueSort = r.GetFieldValue<DateOnly>(9),
            StartDate = r.IsDBNull(10) ? null : r.GetFieldValue<DateOnly>(10),
            Estimate = r.IsDBNull(11) ? null : r.GetDouble(11),
            ParentId = r.IsDBNull(12) ? null : r.GetGuid(12),
            ReporterId = r.GetGuid(13),
            CreatedAt = DateTime.SpecifyKind(r.GetDateTime(14), DateTimeKind.Utc),
            UpdatedAt = DateTime.SpecifyKind(r.GetDateTime(15), DateTimeKind.Utc),
            Version = r.GetInt32(16),
            CycleId = r.IsDBNull(17) ? null : r.GetGuid(17),
        };
        if (row.CycleId is not null && !r.IsDBNull(18))
        {
            row.CycleName = r.GetString(18);
            row.CycleStart = r.GetFieldValue<DateOnly>(19);
            row.CycleEnd = r.GetFieldValue<DateOnly>(20);
        }
        if (postgres)
        {
            row.Assignees = r.GetFieldValue<Guid[]>(21);
            row.Watchers = r.GetFieldValue<Guid[]>(22);
            if (!r.IsDBNull(23))
            {
                var ids = r.GetFieldValue<Guid[]>(23);
                var names = r.GetFieldValue<string[]>(24);
                var colors = r.GetFieldValue<string[]>(25);
                row.Labels = new (Guid, string, string)[ids.Length];
                for (var i = 0; i < ids.Length; i++) row.Labels[i] = (ids[i], names[i], colors[i]);
            }
        }
        else
        {
            row.Assignees = r.IsDBNull(21) ? [] : GuidList(r.GetString(21));
            row.Watchers = r.IsDBNull(22) ? [] : GuidList(r.GetString(22));
            row.Labels = r.IsDBNull(23) ? [] : LabelList(r.GetString(23));
        }
        return row;
    }

    static Guid[] GuidList(string joined)
    {
        var parts = joined.Split(',');
        var ids = new Guid[parts.Length];
        for (var i = 0; i < parts.Length; i++) ids[i] = Guid.Parse(parts[i], CultureInfo.InvariantCulture);
        return ids;
    }

    static (Guid, string, string)[] LabelList(string json)
    {
        using var document = JsonDocument.Parse(json);
        var labels = new List<(Guid, string, string)>();
        foreach (var label in document.RootElement.EnumerateArray())
            labels.Add((Guid.Parse(label[0].GetString()!, CultureInfo.InvariantCulture), label[1].GetString()!, label[2].GetString()!));
        return [.. labels];
    }

    /// <summary>As <see cref="ListTasks"/>' KeyOf for one project.</summary>
    static Cursor.Position KeyOf(Row t, string sort) => sort switch
    {
        "updated" => new(sort, t.UpdatedAt.Ticks.ToString(CultureInfo.InvariantCulture), t.Number),
        "priority" => new(sort, ((int)t.Priority).ToString(CultureInfo.InvariantCulture), t.Number),
        "dueDate" => new(sort, TaskFields.Text(t.DueSort), t.Number),
        "rank" => new(sort, t.Rank, t.Number),
        _ => new(sort, null, t.Number),
    };

    /// <summary>
    /// The bytes <c>JsonSerializer.SerializeToUtf8Bytes(new Page&lt;TaskResponse&gt;(...), json)</c> gives: the same
    /// property names and order, the same value formats (the serializer's converters write through the same
    /// <see cref="Utf8JsonWriter"/> methods), the same escaping (the options' encoder) and the same orders of ids and
    /// labels as <see cref="TaskResponse.From"/>. <c>ListPagesTests</c> compares them item by item with a read by id.
    /// </summary>
    static byte[] Write(List<Row> rows, Guid projectId, string? next, JsonSerializerOptions json)
    {
        var buffer = new ArrayBufferWriter<byte>(1024 + rows.Count * 1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = json.Encoder, Indented = json.WriteIndented, SkipValidation = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray(Names.Data);
            foreach (var t in rows) WriteTask(w, t, projectId);
            w.WriteEndArray();
            if (next is null) w.WriteNull(Names.NextCursor);
            else w.WriteString(Names.NextCursor, next);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    static void WriteTask(Utf8JsonWriter w, Row t, Guid projectId)
    {
        w.WriteStartObject();
        w.WriteString(Names.Id, t.Id);
        w.WriteString(Names.Key, t.Key);
        w.WriteString(Names.ProjectId, projectId);
        w.WriteString(Names.Title, t.Title);
        if (t.Description is null) w.WriteNull(Names.Description);
        else w.WriteString(Names.Description, t.Description);
        w.WriteString(Names.StatusId, t.StatusId);
        w.WriteString(Names.Rank, t.Rank);
        w.WriteString(Names.Priority, t.Priority.ToName());
        Ids(w, Names.AssigneeIds, t.Assignees);
        Date(w, Names.DueDate, t.DueDate);
        Date(w, Names.StartDate, t.StartDate);
        if (t.Estimate is { } e) w.WriteNumber(Names.Estimate, e);
        else w.WriteNull(Names.Estimate);
        if (t.ParentId is { } parent) w.WriteString(Names.ParentId, parent);
        else w.WriteNull(Names.ParentId);
        w.WriteString(Names.ReporterId, t.ReporterId);
        w.WriteString(Names.CreatedAt, t.CreatedAt);
        w.WriteString(Names.UpdatedAt, t.UpdatedAt);
        w.WriteNumber(Names.Version, t.Version);
        Array.Sort(t.Labels, (a, b) => a.Id.CompareTo(b.Id));
        w.WriteStartArray(Names.LabelIds);
        foreach (var label in t.Labels) w.WriteStringValue(label.Id);
        w.WriteEndArray();
        // TaskResponse.From: by name (ordinal, ignoring case), then id; a stable sort of the id order gives exactly that.
        var byName = t.Labels.OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase).ThenBy(l => l.Id);
        w.WriteStartArray(Names.Labels);
        foreach (var label in byName)
        {
            w.WriteStartObject();
            w.WriteString(Names.Id, label.Id);
            w.WriteString(Names.Name, label.Name);
            w.WriteString(Names.Color, label.Color);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (t.CycleId is { } cycleId) w.WriteString(Names.CycleId, cycleId);
        else w.WriteNull(Names.CycleId);
        if (t.CycleId is { } id && t.CycleName is { } name)
        {
            w.WriteStartObject(Names.Cycle);
            w.WriteString(Names.Id, id);
            w.WriteString(Names.Name, name);
            w.WriteString(Names.StartDate, t.CycleStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString(Names.EndDate, t.CycleEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        else w.WriteNull(Names.Cycle);
        Ids(w, Names.WatcherIds, t.Watchers);
        w.WriteEndObject();
    }

    static void Ids(Utf8JsonWriter w, JsonEncodedText name, Guid[] ids)
    {
        Array.Sort(ids);
        w.WriteStartArray(name);
        foreach (var id in ids) w.WriteStringValue(id);
        w.WriteEndArray();
    }

    static void Date(Utf8JsonWriter w, JsonEncodedText name, DateOnly? date)
    {
        if (date is { } d) w.WriteString(name, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        else w.WriteNull(name);
    }

    /// <summary>The response's property names as the web defaults write them (camelCase), encoded once.</summary>
    static class Names
    {
        public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
        public static readonly JsonEncodedText NextCursor = JsonEncodedText.Encode("nextCursor");
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText Key = JsonEncodedText.Encode("key");
        public static readonly JsonEncodedText ProjectId = JsonEncodedText.Encode("projectId");
        public static readonly JsonEncodedText Title = JsonEncodedText.Encode("title");
        public static readonly JsonEncodedText Description = JsonEncodedText.Encode("description");
        public static readonly JsonEncodedText StatusId = JsonEncodedText.Encode("statusId");
        public static readonly JsonEncodedText Rank = JsonEncodedText.Encode("rank");
        public static readonly JsonEncodedText Priority = JsonEncodedText.Encode("priority");
        public static readonly JsonEncodedText AssigneeIds = JsonEncodedText.Encode("assigneeIds");
        public static readonly JsonEncodedText DueDate = JsonEncodedText.Encode("dueDate");
        public static readonly JsonEncodedText StartDate = JsonEncodedText.Encode("startDate");
        public static readonly JsonEncodedText Estimate = JsonEncodedText.Encode("estimate");
        public static readonly JsonEncodedText ParentId = JsonEncodedText.Encode("parentId");
        public static readonly JsonEncodedText ReporterId = JsonEncodedText.Encode("reporterId");
        public static readonly JsonEncodedText CreatedAt = JsonEncodedText.Encode("createdAt");
        public static readonly JsonEncodedText UpdatedAt = JsonEncodedText.Encode("updatedAt");
        public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
        public static readonly JsonEncodedText LabelIds = JsonEncodedText.Encode("labelIds");
        public static readonly JsonEncodedText Labels = JsonEncodedText.Encode("labels");
        public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
        public static readonly JsonEncodedText Color = JsonEncodedText.Encode("color");
        public static readonly JsonEncodedText CycleId = JsonEncodedText.Encode("cycleId");
        public static readonly JsonEncodedText Cycle = JsonEncodedText.Encode("cycle");
        public static readonly JsonEncodedText EndDate = JsonEncodedText.Encode("endDate");
        public static readonly JsonEncodedText WatcherIds = JsonEncodedText.Encode("watcherIds");
    }
}
