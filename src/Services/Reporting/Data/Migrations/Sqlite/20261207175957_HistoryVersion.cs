using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Reporting.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HistoryVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "HistoryVersion",
                table: "projects",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HistoryVersion",
                table: "projects");
        }
    }
}
