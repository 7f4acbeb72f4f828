using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace P4Flow.Workflows.Stores.Ef;

/// <summary>
/// Every time the stores keep is UTC. PostgreSQL's timestamptz takes a DateTime only when it says so (Npgsql refuses
/// an Unspecified one) and SQLite gives every DateTime back Unspecified: this says UTC on the way in and on the way out.
/// </summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
