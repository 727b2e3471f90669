using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Tasks.Data.Migrations.Sqlite
{
    /// <summary>
    /// Full-text search on SQLite: one search document per task (title, description, its comments) in
    /// <c>task_search_docs</c>, which has a stable integer rowid, indexed by the external-content FTS5 table
    /// <c>task_fts</c> (porter stemming, bm25). Triggers keep both in step with <c>tasks</c> and <c>comments</c>.
    /// </summary>
    public partial class TaskSearchSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider != "Microsoft.EntityFrameworkCore.Sqlite") return;
            migrationBuilder.Sql("""
                CREATE TABLE task_search_docs (
                    id INTEGER PRIMARY KEY,
                    task_id TEXT NOT NULL UNIQUE,
                    project_id TEXT NOT NULL,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    comments TEXT NOT NULL DEFAULT ''
                );

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
                CREATE TRIGGER tasks_search_ad AFTER DELETE ON tasks BEGIN
                    DELETE FROM task_search_docs WHERE task_id = old."Id";
                END;

                CREATE TRIGGER comments_search_ai AFTER INSERT ON comments BEGIN
                    UPDATE task_search_docs SET comments = substr(coalesce((SELECT group_concat("Body", char(10)) FROM comments WHERE "TaskId" = new."TaskId"), ''), 1, 100000)
                    WHERE task_id = new."TaskId";
                END;
                CREATE TRIGGER comments_search_au AFTER UPDATE OF "Body" ON comments BEGIN
                    UPDATE task_search_docs SET comments = substr(coalesce((SELECT group_concat("Body", char(10)) FROM comments WHERE "TaskId" = new."TaskId"), ''), 1, 100000)
                    WHERE task_id = new."TaskId";
                END;
                CREATE TRIGGER comments_search_ad AFTER DELETE ON comments BEGIN
                    UPDATE task_search_docs SET comments = substr(coalesce((SELECT group_concat("Body", char(10)) FROM comments WHERE "TaskId" = old."TaskId"), ''), 1, 100000)
                    WHERE task_id = old."TaskId";
                END;

                INSERT INTO task_search_docs(task_id, project_id, title, description, comments)
                SELECT t."Id", t."ProjectId", t."Title", coalesce(t."Description", ''),
                       substr(coalesce((SELECT group_concat(c."Body", char(10)) FROM comments c WHERE c."TaskId" = t."Id"), ''), 1, 100000)
                FROM tasks t;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider != "Microsoft.EntityFrameworkCore.Sqlite") return;
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS comments_search_ad;
                DROP TRIGGER IF EXISTS comments_search_au;
                DROP TRIGGER IF EXISTS comments_search_ai;
                DROP TRIGGER IF EXISTS tasks_search_ad;
                DROP TRIGGER IF EXISTS tasks_search_au;
                DROP TRIGGER IF EXISTS tasks_search_ai;
                DROP TABLE IF EXISTS task_fts;
                DROP TABLE IF EXISTS task_search_docs;
                """);
        }
    }
}
