using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Tasks.Data.Migrations.Sqlite
{
    /// <summary>
    /// Search restricted inside the index (issue 19): FTS5 has no composite index, so every document gets a fourth column,
    /// <c>workspace</c>, holding one token for its project's workspace (<c>w</c> + the id's 32 hex digits). A workspace
    /// search ANDs <c>workspace : "w…"</c> with the words (<see cref="Features.TaskSearch"/>), so FTS5 intersects the
    /// posting lists and never reads other workspaces' matches. The column weighs 0 in bm25. No model change: the
    /// documents and the index are kept by triggers, as in <see cref="TaskSearchSql"/>.
    /// </summary>
    [DbContext(typeof(SqliteTasksDb))]
    [Migration("20261207150000_SearchByWorkspace")]
    public partial class SearchByWorkspace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider != "Microsoft.EntityFrameworkCore.Sqlite") return;
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS task_search_docs_ai;
                DROP TRIGGER IF EXISTS task_search_docs_ad;
                DROP TRIGGER IF EXISTS task_search_docs_au;
                DROP TRIGGER IF EXISTS tasks_search_ai;
                DROP TRIGGER IF EXISTS tasks_search_au;
                DROP TABLE IF EXISTS task_fts;

                ALTER TABLE task_search_docs ADD COLUMN workspace TEXT NOT NULL DEFAULT '';
                UPDATE task_search_docs SET workspace = coalesce(
                    (SELECT 'w' || lower(replace(p."WorkspaceId", '-', '')) FROM projects p WHERE p."Id" = task_search_docs.project_id), '');

                CREATE VIRTUAL TABLE task_fts USING fts5(
                    title, description, comments, workspace,
                    content='task_search_docs', content_rowid='id',
                    tokenize='porter unicode61 remove_diacritics 2');

                CREATE TRIGGER task_search_docs_ai AFTER INSERT ON task_search_docs BEGIN
                    INSERT INTO task_fts(rowid, title, description, comments, workspace) VALUES (new.id, new.title, new.description, new.comments, new.workspace);
                END;
                CREATE TRIGGER task_search_docs_ad AFTER DELETE ON task_search_docs BEGIN
                    INSERT INTO task_fts(task_fts, rowid, title, description, comments, workspace) VALUES ('delete', old.id, old.title, old.description, old.comments, old.workspace);
                END;
                CREATE TRIGGER task_search_docs_au AFTER UPDATE ON task_search_docs BEGIN
                    INSERT INTO task_fts(task_fts, rowid, title, description, comments, workspace) VALUES ('delete', old.id, old.title, old.description, old.comments, old.workspace);
                    INSERT INTO task_fts(rowid, title, description, comments, workspace) VALUES (new.id, new.title, new.description, new.comments, new.workspace);
                END;

                CREATE TRIGGER tasks_search_ai AFTER INSERT ON tasks BEGIN
                    INSERT INTO task_search_docs(task_id, project_id, title, description, workspace)
                    VALUES (new."Id", new."ProjectId", new."Title", coalesce(new."Description", ''),
                            coalesce((SELECT 'w' || lower(replace(p."WorkspaceId", '-', '')) FROM projects p WHERE p."Id" = new."ProjectId"), ''));
                END;
                CREATE TRIGGER tasks_search_au AFTER UPDATE OF "Title", "Description", "ProjectId" ON tasks BEGIN
                    UPDATE task_search_docs SET project_id = new."ProjectId", title = new."Title", description = coalesce(new."Description", ''),
                        workspace = coalesce((SELECT 'w' || lower(replace(p."WorkspaceId", '-', '')) FROM projects p WHERE p."Id" = new."ProjectId"), '')
                    WHERE task_id = new."Id";
                END;

                INSERT INTO task_fts(task_fts) VALUES ('rebuild');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider != "Microsoft.EntityFrameworkCore.Sqlite") return;
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS task_search_docs_ai;
                DROP TRIGGER IF EXISTS task_search_docs_ad;
                DROP TRIGGER IF EXISTS task_search_docs_au;
                DROP TRIGGER IF EXISTS tasks_search_ai;
                DROP TRIGGER IF EXISTS tasks_search_au;
                DROP TABLE IF EXISTS task_fts;
                ALTER TABLE task_search_docs DROP COLUMN workspace;
                CREATE VIRTUAL TABLE task_fts USING fts5(
                    title, description, comments,
                    content='task_search_docs', content_rowid='id',
                    tokenize='porter unicode61 remove_diacritics 2');
                CREATE TRIGGER task_search_docs_ai AFTER INSERT ON task_search_docs BEGIN
                    INSERT INTO task_fts(rowid, title, description, comments) VALUES (new.id, new.title, new.description, new.comments);
                END;
                CREATE TRIGGER task_search_docs_ad AFTER DELETE ON task_search_docs BEGIN
                    INSERT INTO task_fts(task_fts, rowid, title, description, comments) VALUES ('delete', old.id, old.title, old.description, old.comments);
                END;
                CREATE TRIGGER task_search_docs_au AFTER UPDATE ON task_search_docs BEGIN
                    INSERT INTO task_fts(task_fts, rowid, title, description, comments) VALUES ('delete', old.id, old.title, old.description, old.comments);
                    INSERT INTO task_fts(rowid, title, description, comments) VALUES (new.id, new.title, new.description, new.comments);
                END;
                CREATE TRIGGER tasks_search_ai AFTER INSERT ON tasks BEGIN
                    INSERT INTO task_search_docs(task_id, project_id, title, description)
                    VALUES (new."Id", new."ProjectId", new."Title", coalesce(new."Description", ''));
                END;
                CREATE TRIGGER tasks_search_au AFTER UPDATE OF "Title", "Description", "ProjectId" ON tasks BEGIN
                    UPDATE task_search_docs SET project_id = new."ProjectId", title = new."Title", description = coalesce(new."Description", '')
                    WHERE task_id = new."Id";
                END;
                INSERT INTO task_fts(task_fts) VALUES ('rebuild');
                """);
        }
    }
}
