namespace P4Flow.P4Sim.Output;

/// <summary>The output form chosen by the global options -s, -ztag, -Mj and -q.</summary>
internal sealed record OutputMode(bool Script, bool Tagged, bool Json, bool Quiet);
