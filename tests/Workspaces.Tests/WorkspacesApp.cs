using TaskFlow.TestKit;

namespace TaskFlow.Workspaces.Tests;

public class WorkspacesApp(Provider provider) : TestTokenApp(provider);

public sealed class SqliteWorkspacesApp() : WorkspacesApp(Provider.Sqlite);

public sealed class PostgresWorkspacesApp() : WorkspacesApp(Provider.Postgres);
