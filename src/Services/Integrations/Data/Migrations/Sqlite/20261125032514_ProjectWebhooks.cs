using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Integrations.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProjectWebhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProjectIds",
                table: "webhooks",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ProjectIds",
                table: "webhooks");
        }
    }
}
