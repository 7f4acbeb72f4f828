using System.Text.Json.Serialization;

namespace P4Flow.P4Sim.Depot;

/// <summary>depot.json's serializer, generated at compile time so the native simulator needs no reflection.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(DepotState))]
internal sealed partial class DepotJsonContext : JsonSerializerContext;
