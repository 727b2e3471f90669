using TaskFlow.TestKit;

namespace TaskFlow.Projects.Tests;

public class ProjectsApp(Provider provider) : TestTokenApp(provider);

public sealed class SqliteProjectsApp() : ProjectsApp(Provider.Sqlite);

public sealed class PostgresProjectsApp() : ProjectsApp(Provider.Postgres);
