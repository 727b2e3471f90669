using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Tasks.Data.Migrations.Postgres
{
    /// <summary>
    /// Search restricted inside the index (issue 19): every search document carries its project's workspace, and one GIN
    /// index covers (workspace_id, document) through btree_gin, so a workspace search intersects the workspace's entries
    /// with the words' inside the index instead of ranking every workspace's matches first. Without btree_gin (not
    /// installable on the server) a plain index on workspace_id is made and the planner combines the two (bitmap AND).
    /// No model change: the documents are kept by triggers, as in <see cref="TaskSearchSql"/>.
    /// </summary>
    [DbContext(typeof(PostgresTasksDb))]
    [Migration("20261207150000_SearchByWorkspace")]
    public partial class SearchByWorkspace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider != "Npgsql.EntityFrameworkCore.PostgreSQL") return;
            migrationBuilder.Sql("""
                DO $$ BEGIN
                    CREATE EXTENSION IF NOT EXISTS btree_gin;
                EXCEPTION WHEN OTHERS THEN
                    RAISE NOTICE 'btree_gin is not available (%): search uses a separate workspace index', SQLERRM;
                END $$;

                ALTER TABLE task_search_docs ADD COLUMN workspace_id uuid;
                UPDATE task_search_docs d SET workspace_id = p."WorkspaceId" FROM projects p WHERE p."Id" = d.project_id;

                CREATE OR REPLACE FUNCTION task_search_sync_task() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        DELETE FROM task_search_docs WHERE task_id = OLD."Id";
                        RETURN OLD;
                    END IF;
                    INSERT INTO task_search_docs (task_id, project_id, workspace_id, title, description)
                    VALUES (NEW."Id", NEW."ProjectId", (SELECT p."WorkspaceId" FROM projects p WHERE p."Id" = NEW."ProjectId"),
                            NEW."Title", coalesce(NEW."Description", ''))
                    ON CONFLICT (task_id) DO UPDATE
                        SET project_id = EXCLUDED.project_id, workspace_id = EXCLUDED.workspace_id,
                            title = EXCLUDED.title, description = EXCLUDED.description;
                    RETURN NEW;
                END $f$;

                DO $$ BEGIN
                    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gin') THEN
                        CREATE INDEX ix_task_search_docs_workspace_document ON task_search_docs USING GIN (workspace_id, document);
                        -- A multicolumn GIN index serves conditions on any of its columns: the project lists' text filter too.
                        DROP INDEX ix_task_search_docs_document;
                    ELSE
                        CREATE INDEX ix_task_search_docs_workspace ON task_search_docs (workspace_id);
                    END IF;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider != "Npgsql.EntityFrameworkCore.PostgreSQL") return;
            migrationBuilder.Sql("""
                CREATE INDEX IF NOT EXISTS ix_task_search_docs_document ON task_search_docs USING GIN (document);
                DROP INDEX IF EXISTS ix_task_search_docs_workspace_document;
                DROP INDEX IF EXISTS ix_task_search_docs_workspace;
                CREATE OR REPLACE FUNCTION task_search_sync_task() RETURNS trigger LANGUAGE plpgsql AS $f$
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
                END $f$;
                ALTER TABLE task_search_docs DROP COLUMN workspace_id;
                """);
        }
    }
}
