using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace P4Flow.Migrations.PostgreSql.Shared
{
    /// <inheritdoc />
    public partial class PlacementDemand : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "cpu_cores",
                table: "hub_assignments",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "memory_gb",
                table: "hub_assignments",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AlterColumn<double>(
                name: "cpu_cores",
                table: "cluster_agents",
                type: "double precision",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "integer");

            migrationBuilder.AddColumn<string>(
                name: "view",
                table: "cluster_agents",
                type: "text",
                nullable: false,
                defaultValue: "{}");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "cpu_cores",
                table: "hub_assignments");

            migrationBuilder.DropColumn(
                name: "memory_gb",
                table: "hub_assignments");

            migrationBuilder.DropColumn(
                name: "view",
                table: "cluster_agents");

            migrationBuilder.AlterColumn<int>(
                name: "cpu_cores",
                table: "cluster_agents",
                type: "integer",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "double precision");
        }
    }
}
