using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Notifications.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DigestSchedule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DigestHour",
                table: "notification_settings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 8);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextDigestAt",
                table: "notification_settings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_notification_settings_Digest_NextDigestAt",
                table: "notification_settings",
                columns: new[] { "Digest", "NextDigestAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_notification_settings_Digest_NextDigestAt",
                table: "notification_settings");

            migrationBuilder.DropColumn(
                name: "DigestHour",
                table: "notification_settings");

            migrationBuilder.DropColumn(
                name: "NextDigestAt",
                table: "notification_settings");
        }
    }
}
