namespace P4Flow.P4Sim.Output;

/// <summary>The generic error classes p4 attaches to warnings and errors.</summary>
internal enum GenericCode
{
    None = 0,
    Usage = 1,
    Unknown = 2,
    Context = 3,
    Illegal = 4,
    NotYet = 5,
    Protect = 6,
    Empty = 17,
    Fault = 33,
    Client = 34,
    Admin = 35,
    Config = 36,
    Comm = 38,
}
