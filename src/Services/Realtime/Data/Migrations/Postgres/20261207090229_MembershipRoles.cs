using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Realtime.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MembershipRoles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Roles as the other membership copies store them (BuildingBlocks.Membership); rows copied before roles were
            // kept (null) become Viewer, which, like null, is neither owner nor admin.
            migrationBuilder.Sql("""
                UPDATE workspace_members SET "Role" = CASE "Role"
                    WHEN 'owner' THEN 'Owner' WHEN 'admin' THEN 'Admin' WHEN 'member' THEN 'Member' ELSE 'Viewer' END
                """);
            migrationBuilder.AlterColumn<string>(
                name: "Role",
                table: "workspace_members",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Role",
                table: "workspace_members",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(20)",
                oldMaxLength: 20);

            migrationBuilder.Sql("""UPDATE workspace_members SET "Role" = lower("Role")""");
        }
    }
}
