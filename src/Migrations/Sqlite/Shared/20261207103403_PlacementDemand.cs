using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace P4Flow.Migrations.Sqlite.Shared
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
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "memory_gb",
                table: "hub_assignments",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AlterColumn<double>(
                name: "cpu_cores",
                table: "cluster_agents",
                type: "REAL",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<string>(
                name: "view",
                table: "cluster_agents",
                type: "TEXT",
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
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(double),
                oldType: "REAL");
        }
    }
}
