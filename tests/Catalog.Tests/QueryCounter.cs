using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TaskFlow.Catalog.Tests;

/// <summary>Counts the SQL commands EF Core runs against one test app's databases (through EF's diagnostic events).</summary>
sealed class QueryCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    readonly Func<string, bool> database;
    readonly List<IDisposable> subscriptions = [];
    readonly List<string> commands = [];

    public QueryCounter(Func<string, bool> database)
    {
        this.database = database;
        subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    public void Reset()
    {
        lock (commands) commands.Clear();
    }

    public List<string> Commands()
    {
        lock (commands) return [.. commands];
    }

    public int Count(Func<string, bool> match)
    {
        lock (commands) return commands.Count(match);
    }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
            lock (subscriptions) subscriptions.Add(listener.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != RelationalEventId.CommandExecuted.Name || value.Value is not CommandExecutedEventData data) return;
        if (data.Context?.Database.GetConnectionString() is not { } connection || !database(connection)) return;
        lock (commands) commands.Add(data.Command.CommandText);
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (subscriptions) foreach (var s in subscriptions) s.Dispose();
    }
}
