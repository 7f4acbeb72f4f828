using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace P4Flow.Migrations.PostgreSql.Shared
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
                    agent_id = table.Column<string>(type: "text", nullable: false),
                    node_id = table.Column<string>(type: "text", nullable: false),
                    healthy = table.Column<bool>(type: "boolean", nullable: false),
                    draining = table.Column<bool>(type: "boolean", nullable: false),
                    capabilities = table.Column<string>(type: "text", nullable: false),
                    labels = table.Column<string>(type: "text", nullable: false),
                    load = table.Column<double>(type: "double precision", nullable: false),
                    max_jobs = table.Column<int>(type: "integer", nullable: false),
                    cpu_cores = table.Column<int>(type: "integer", nullable: false),
                    memory_gb = table.Column<double>(type: "double precision", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cluster_agents", x => x.agent_id);
                });

            migrationBuilder.CreateTable(
                name: "cluster_nodes",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    hub_address = table.Column<string>(type: "text", nullable: false),
                    hostname = table.Column<string>(type: "text", nullable: false),
                    pid = table.Column<int>(type: "integer", nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    heartbeat_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    lease_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    down_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    taken_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cluster_nodes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "hub_agent_state",
                columns: table => new
                {
                    agent_id = table.Column<string>(type: "text", nullable: false),
                    last_cmd_id = table.Column<long>(type: "bigint", nullable: false),
                    draining = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hub_agent_state", x => x.agent_id);
                });

            migrationBuilder.CreateTable(
                name: "hub_assignments",
                columns: table => new
                {
                    job_id = table.Column<string>(type: "text", nullable: false),
                    agent_id = table.Column<string>(type: "text", nullable: false),
                    parked = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hub_assignments", x => x.job_id);
                });

            migrationBuilder.CreateTable(
                name: "hub_commands",
                columns: table => new
                {
                    agent_id = table.Column<string>(type: "text", nullable: false),
                    cmd_id = table.Column<long>(type: "bigint", nullable: false),
                    job_id = table.Column<string>(type: "text", nullable: false),
                    fingerprint = table.Column<string>(type: "text", nullable: false),
                    command = table.Column<byte[]>(type: "bytea", nullable: true),
                    sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hub_commands", x => new { x.agent_id, x.cmd_id });
                });

            migrationBuilder.CreateTable(
                name: "hub_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    kind = table.Column<string>(type: "text", nullable: false),
                    job_id = table.Column<string>(type: "text", nullable: false),
                    agent_id = table.Column<string>(type: "text", nullable: false),
                    fingerprint = table.Column<string>(type: "text", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    origin = table.Column<string>(type: "text", nullable: false),
                    served_by = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    result = table.Column<byte[]>(type: "bytea", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    error_class = table.Column<string>(type: "text", nullable: true),
                    done_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    cancelled = table.Column<bool>(type: "boolean", nullable: false)
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
