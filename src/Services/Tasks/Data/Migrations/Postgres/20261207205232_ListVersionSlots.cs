using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Tasks.Data.Migrations.Postgres
{
    /// <summary>
    /// A project's list version becomes projects."ListVersion" (kept as it is, no longer raised) plus the sum of its rows
    /// here, which the writers raise instead of the project row (docs/adr/0045). The table starts empty, so every
    /// project's version is the same number after the upgrade as before it.
    /// </summary>
    public partial class ListVersionSlots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "list_version_slots",
                columns: table => new
                {
                    ProjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Slot = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_list_version_slots", x => new { x.ProjectId, x.Slot });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "list_version_slots");
        }
    }
}
