namespace P4Flow.P4Sim.Faults;

/// <summary>
/// One injected failure. Kinds: unreachable, session-expired, password-unset, latency (Milliseconds),
/// hang, locked (Path held locked by Owner), exclusive (Path, a +l file, opened by Owner).
/// Commands limits it to some p4 commands; Times limits how often it fires (faults.json only).
/// </summary>
internal sealed class Fault
{
    public string Kind { get; set; } = "";

    public List<string>? Commands { get; set; }

    public string? Path { get; set; }

    public string? Owner { get; set; }

    public int Milliseconds { get; set; }

    public string? Port { get; set; }

    public int? Times { get; set; }

    public bool AppliesTo(string command) => Commands is null || Commands.Count == 0 || Commands.Contains(command);
}
