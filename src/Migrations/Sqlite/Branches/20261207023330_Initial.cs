using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace P4Flow.Migrations.Sqlite.Branches
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "branch_changes",
                columns: table => new
                {
                    EdgeId = table.Column<string>(type: "TEXT", nullable: false),
                    Change = table.Column<int>(type: "INTEGER", nullable: false),
                    Server = table.Column<string>(type: "TEXT", nullable: false),
                    User = table.Column<string>(type: "TEXT", nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: false),
                    Files = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    JobId = table.Column<string>(type: "TEXT", nullable: true),
                    TargetChange = table.Column<int>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_branch_changes", x => new { x.EdgeId, x.Change });
                });

            migrationBuilder.CreateTable(
                name: "branch_cursors",
                columns: table => new
                {
                    EdgeId = table.Column<string>(type: "TEXT", nullable: false),
                    LastChange = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_branch_cursors", x => x.EdgeId);
                });

            migrationBuilder.CreateTable(
                name: "branch_graph",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", nullable: true),
                    SourceHash = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_branch_graph", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_branch_changes_EdgeId_Status_Change",
                table: "branch_changes",
                columns: new[] { "EdgeId", "Status", "Change" });

            migrationBuilder.CreateIndex(
                name: "IX_branch_changes_JobId",
                table: "branch_changes",
                column: "JobId");

            migrationBuilder.CreateIndex(
                name: "IX_branch_changes_Server_Change",
                table: "branch_changes",
                columns: new[] { "Server", "Change" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "branch_changes");

            migrationBuilder.DropTable(
                name: "branch_cursors");

            migrationBuilder.DropTable(
                name: "branch_graph");
        }
    }
}
