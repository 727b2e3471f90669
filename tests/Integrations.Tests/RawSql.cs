using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Integrations.Data;

namespace TaskFlow.Integrations.Tests;

/// <summary>Reads tables with plain SQL on the service's own connection (SQLite file or PostgreSQL database), bypassing the model.</summary>
internal static class RawSql
{
    /// <summary>Every row of <paramref name="table"/>, each column's value as text (null for NULL).</summary>
    public static async Task<List<Dictionary<string, string?>>> Rows(IntegrationsDb db, string table, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The table names are constants of the tests.
            command.CommandText = "SELECT * FROM " + table;
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<Dictionary<string, string?>>();
            while (await reader.ReadAsync(ct))
            {
                var row = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (var i = 0; i < reader.FieldCount; i++)
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                rows.Add(row);
            }
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Asserts that no column of any row of <paramref name="table"/> contains any of <paramref name="secrets"/>.</summary>
    public static async Task AssertNowhere(IntegrationsDb db, string table, IEnumerable<string> secrets, CancellationToken ct)
    {
        var rows = await Rows(db, table, ct);
        foreach (var secret in secrets)
            foreach (var row in rows)
                foreach (var (column, value) in row)
                    Assert.False(value?.Contains(secret, StringComparison.Ordinal) ?? false, $"{table}.{column} holds a secret in plain text");
    }
}
