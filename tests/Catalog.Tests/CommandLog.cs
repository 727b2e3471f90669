using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TaskFlow.Catalog.Tests;

/// <summary>
/// Every SQL command the catalog's DbContexts run in one test app, with its parameter values: an EF Core command
/// interceptor added to the catalog's options (<see cref="ShopApp"/>), so no command is missed, unlike diagnostic
/// listeners subscribed while the app runs.
/// </summary>
public sealed class CommandLog : DbCommandInterceptor
{
    readonly List<(string Sql, string[] Parameters)> commands = [];

    public void Reset()
    {
        lock (commands) commands.Clear();
    }

    /// <summary>Commands whose text matches <paramref name="sql"/> and that carry <paramref name="value"/> as a parameter (any case).</summary>
    public List<string> With(Func<string, bool> sql, string value)
    {
        lock (commands)
            return [.. commands.Where(c => sql(c.Sql) && c.Parameters.Any(p => p.Contains(value, StringComparison.OrdinalIgnoreCase))).Select(c => c.Sql)];
    }

    public List<string> All()
    {
        lock (commands) return [.. commands.Select(c => c.Sql)];
    }

    void Record(DbCommand command)
    {
        var parameters = command.Parameters.Cast<DbParameter>().Select(p => p.Value switch
        {
            null or DBNull => "",
            System.Collections.IEnumerable list and not string => string.Join(",", list.Cast<object?>()),
            var v => v.ToString() ?? "",
        }).ToArray();
        lock (commands) commands.Add((command.CommandText, parameters));
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }
}
