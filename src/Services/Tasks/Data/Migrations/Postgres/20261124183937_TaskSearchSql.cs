using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Tasks.Data.Migrations.Postgres
{
    /// <summary>
    /// Full-text search on PostgreSQL: one search document per task (title A, description B, its comments C) in
    /// <c>task_search_docs</c>, with a generated <c>tsvector</c> column under a GIN index. Triggers keep it in step with
    /// <c>tasks</c> and <c>comments</c>; queries use <c>websearch_to_tsquery</c> and <c>ts_rank</c>.
    /// </summary>
    public partial class TaskSearchSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider != "Npgsql.EntityFrameworkCore.PostgreSQL") return;
            migrationBuilder.Sql("""
                CREATE TABLE task_search_docs (
                    task_id uuid PRIMARY KEY,
                    project_id uuid NOT NULL,
                    title text NOT NULL,
                    description text NOT NULL DEFAULT '',
                    comments text NOT NULL DEFAULT '',
                    document tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('english'::regconfig, title), 'A') ||
                        setweight(to_tsvector('english'::regconfig, description), 'B') ||
                        setweight(to_tsvector('english'::regconfig, comments), 'C')) STORED
                );
                CREATE INDEX ix_task_search_docs_document ON task_search_docs USING GIN (document);

                CREATE FUNCTION task_search_sync_task() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        DELETE FROM task_search_docs WHERE task_id = OLD."Id";
                        RETURN OLD;
                    END IF;
                    INSERT INTO task_search_docs (task_id, project_id, title, description)
                    VALUES (NEW."Id", NEW."ProjectId", NEW."Title", coalesce(NEW."Description", ''))
                    ON CONFLICT (task_id) DO UPDATE
                        SET project_id = EXCLUDED.project_id, title = EXCLUDED.title, description = EXCLUDED.description;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER tasks_search AFTER INSERT OR DELETE OR UPDATE OF "Title", "Description", "ProjectId" ON tasks
                    FOR EACH ROW EXECUTE FUNCTION task_search_sync_task();

                CREATE FUNCTION task_search_sync_comments() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    tid uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD."TaskId" ELSE NEW."TaskId" END;
                BEGIN
                    UPDATE task_search_docs
                    SET comments = left(coalesce((SELECT string_agg("Body", E'\n' ORDER BY "CreatedAt", "Id") FROM comments WHERE "TaskId" = tid), ''), 100000)
                    WHERE task_id = tid;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER comments_search AFTER INSERT OR DELETE OR UPDATE OF "Body" ON comments
                    FOR EACH ROW EXECUTE FUNCTION task_search_sync_comments();

                INSERT INTO task_search_docs (task_id, project_id, title, description, comments)
                SELECT t."Id", t."ProjectId", t."Title", coalesce(t."Description", ''),
                       left(coalesce((SELECT string_agg(c."Body", E'\n' ORDER BY c."CreatedAt", c."Id") FROM comments c WHERE c."TaskId" = t."Id"), ''), 100000)
                FROM tasks t;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider != "Npgsql.EntityFrameworkCore.PostgreSQL") return;
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS comments_search ON comments;
                DROP TRIGGER IF EXISTS tasks_search ON tasks;
                DROP FUNCTION IF EXISTS task_search_sync_comments();
                DROP FUNCTION IF EXISTS task_search_sync_task();
                DROP TABLE IF EXISTS task_search_docs;
                """);
        }
    }
}
