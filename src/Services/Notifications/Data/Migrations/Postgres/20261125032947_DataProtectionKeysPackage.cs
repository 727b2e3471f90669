using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Notifications.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DataProtectionKeysPackage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
