using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace P4Flow.Migrations.Sqlite.Shared
{
    /// <inheritdoc />
    public partial class Cluster : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cluster_agents",
                columns: table => new
                {
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    node_id = table.Column<string>(type: "TEXT", nullable: false),
                    healthy = table.Column<bool>(type: "INTEGER", nullable: false),
                    draining = table.Column<bool>(type: "INTEGER", nullable: false),
                    capabilities = table.Column<string>(type: "TEXT", nullable: false),
                    labels = table.Column<string>(type: "TEXT", nullable: false),
                    load = table.Column<double>(type: "REAL", nullable: false),
                    max_jobs = table.Column<int>(type: "INTEGER", nullable: false),
                    cpu_cores = table.Column<int>(type: "INTEGER", nullable: false),
                    memory_gb = table.Column<double>(type: "REAL", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cluster_agents", x => x.agent_id);
                });

            migrationBuilder.CreateTable(
                name: "cluster_nodes",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    hub_address = table.Column<string>(type: "TEXT", nullable: false),
                    hostname = table.Column<string>(type: "TEXT", nullable: false),
                    pid = table.Column<int>(type: "INTEGER", nullable: false),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    heartbeat_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    lease_until = table.Column<DateTime>(type: "TEXT", nullable: false),
                    down_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    taken_by = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cluster_nodes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "hub_agent_state",
                columns: table => new
                {
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    last_cmd_id = table.Column<long>(type: "INTEGER", nullable: false),
                    draining = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hub_agent_state", x => x.agent_id);
                });

            migrationBuilder.CreateTable(
                name: "hub_assignments",
                columns: table => new
                {
                    job_id = table.Column<string>(type: "TEXT", nullable: false),
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    parked = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hub_assignments", x => x.job_id);
                });

            migrationBuilder.CreateTable(
                name: "hub_commands",
                columns: table => new
                {
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    cmd_id = table.Column<long>(type: "INTEGER", nullable: false),
                    job_id = table.Column<string>(type: "TEXT", nullable: false),
                    fingerprint = table.Column<string>(type: "TEXT", nullable: false),
                    command = table.Column<byte[]>(type: "BLOB", nullable: true),
                    sent_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hub_commands", x => new { x.agent_id, x.cmd_id });
                });

            migrationBuilder.CreateTable(
                name: "hub_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    job_id = table.Column<string>(type: "TEXT", nullable: false),
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    fingerprint = table.Column<string>(type: "TEXT", nullable: false),
                    body = table.Column<string>(type: "TEXT", nullable: false),
                    origin = table.Column<string>(type: "TEXT", nullable: false),
                    served_by = table.Column<string>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    result = table.Column<byte[]>(type: "BLOB", nullable: true),
                    error = table.Column<string>(type: "TEXT", nullable: true),
                    error_class = table.Column<string>(type: "TEXT", nullable: true),
                    done_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    cancelled = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hub_requests", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cluster_agents_node_id",
                table: "cluster_agents",
                column: "node_id");

            migrationBuilder.CreateIndex(
                name: "IX_hub_assignments_agent_id",
                table: "hub_assignments",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "IX_hub_requests_agent_id_done_at",
                table: "hub_requests",
                columns: new[] { "agent_id", "done_at" });

            migrationBuilder.CreateIndex(
                name: "IX_hub_requests_job_id_fingerprint",
                table: "hub_requests",
                columns: new[] { "job_id", "fingerprint" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cluster_agents");

            migrationBuilder.DropTable(
                name: "cluster_nodes");

            migrationBuilder.DropTable(
                name: "hub_agent_state");

            migrationBuilder.DropTable(
                name: "hub_assignments");

            migrationBuilder.DropTable(
                name: "hub_commands");

            migrationBuilder.DropTable(
                name: "hub_requests");
        }
    }
}
