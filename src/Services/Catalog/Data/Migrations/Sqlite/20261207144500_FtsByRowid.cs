using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Catalog.Data.Migrations.Sqlite
{
    /// <summary>
    /// The FTS triggers found a product's search row by <c>product_id</c>, an UNINDEXED FTS5 column: every update or delete
    /// of a product scanned the whole search table. Now each product has a stable FTS rowid in <c>products_fts_ids</c>
    /// (INTEGER PRIMARY KEY, so VACUUM never renumbers it; product_id unique, so it is found by index) and the triggers
    /// delete by rowid. No model change: the tables are SQLite's search machinery, outside the EF model.
    /// </summary>
    [DbContext(typeof(SqliteCatalogDb))]
    [Migration("20261207144500_FtsByRowid")]
    public partial class FtsByRowid : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS products_fts_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS products_fts_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS products_fts_delete;");
            migrationBuilder.Sql("CREATE TABLE products_fts_ids (fts_rowid INTEGER PRIMARY KEY, product_id TEXT NOT NULL UNIQUE);");
            migrationBuilder.Sql("INSERT INTO products_fts_ids (product_id) SELECT id FROM products ORDER BY created_at, id;");
            migrationBuilder.Sql("DELETE FROM products_fts;");
            migrationBuilder.Sql("INSERT INTO products_fts (rowid, product_id, name, description) SELECT k.fts_rowid, p.id, p.name, coalesce(p.description, '') FROM products p JOIN products_fts_ids k ON k.product_id = p.id;");
            migrationBuilder.Sql("CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN " +
                "INSERT INTO products_fts_ids (product_id) VALUES (new.id); " +
                "INSERT INTO products_fts (rowid, product_id, name, description) VALUES ((SELECT fts_rowid FROM products_fts_ids WHERE product_id = new.id), new.id, new.name, coalesce(new.description, '')); END;");
            migrationBuilder.Sql("CREATE TRIGGER products_fts_update AFTER UPDATE OF name, description ON products BEGIN " +
                "DELETE FROM products_fts WHERE rowid = (SELECT fts_rowid FROM products_fts_ids WHERE product_id = old.id); " +
                "INSERT INTO products_fts (rowid, product_id, name, description) VALUES ((SELECT fts_rowid FROM products_fts_ids WHERE product_id = new.id), new.id, new.name, coalesce(new.description, '')); END;");
            migrationBuilder.Sql("CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN " +
                "DELETE FROM products_fts WHERE rowid = (SELECT fts_rowid FROM products_fts_ids WHERE product_id = old.id); " +
                "DELETE FROM products_fts_ids WHERE product_id = old.id; END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS products_fts_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS products_fts_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS products_fts_delete;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS products_fts_ids;");
            migrationBuilder.Sql("CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN INSERT INTO products_fts (product_id, name, description) VALUES (new.id, new.name, coalesce(new.description, '')); END;");
            migrationBuilder.Sql("CREATE TRIGGER products_fts_update AFTER UPDATE OF name, description ON products BEGIN DELETE FROM products_fts WHERE product_id = old.id; INSERT INTO products_fts (product_id, name, description) VALUES (new.id, new.name, coalesce(new.description, '')); END;");
            migrationBuilder.Sql("CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN DELETE FROM products_fts WHERE product_id = old.id; END;");
        }
    }
}
