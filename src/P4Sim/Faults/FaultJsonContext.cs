using System.Text.Json.Serialization;

namespace P4Flow.P4Sim.Faults;

/// <summary>faults.json's serializer, generated at compile time so the native simulator needs no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, WriteIndented = true)]
[JsonSerializable(typeof(List<Fault>))]
internal sealed partial class FaultJsonContext : JsonSerializerContext;
