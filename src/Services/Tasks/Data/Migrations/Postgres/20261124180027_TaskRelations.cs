using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Tasks.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TaskRelations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "task_relations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FromTaskId = table.Column<Guid>(type: "uuid", nullable: false),
                    ToTaskId = table.Column<Guid>(type: "uuid", nullable: false),
                    Type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_task_relations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_task_relations_tasks_FromTaskId",
                        column: x => x.FromTaskId,
                        principalTable: "tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_task_relations_tasks_ToTaskId",
                        column: x => x.ToTaskId,
                        principalTable: "tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_task_relations_FromTaskId_ToTaskId_Type",
                table: "task_relations",
                columns: new[] { "FromTaskId", "ToTaskId", "Type" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_task_relations_ToTaskId",
                table: "task_relations",
                column: "ToTaskId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "task_relations");
        }
    }
}
