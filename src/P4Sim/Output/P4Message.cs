namespace P4Flow.P4Sim.Output;

/// <summary>One server message; Level is the info nesting that text output shows as "... ".</summary>
internal sealed record P4Message(Severity Severity, GenericCode Generic, string Text, int Level = 0);
