using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Projects.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProjectVisibility : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Visibility",
                table: "projects",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Workspace");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Visibility",
                table: "projects");
        }
    }
}
