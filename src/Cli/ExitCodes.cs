namespace P4Flow.Cli;

/// <summary>
/// What `p4flow` exits with, so scripts can tell a failed integration from a typo. Listed by `p4flow --help` and in the
/// README; never renumber one.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done; with --wait: the job COMPLETED.</summary>
    public const int Ok = 0;

    /// <summary>The job ended FAILED (or was cancelled while waited on: see <see cref="Cancelled"/>).</summary>
    public const int JobFailed = 1;

    /// <summary>The command line itself is wrong: an unknown option, a missing argument, a malformed --input.</summary>
    public const int Usage = 2;

    /// <summary>The job is parked in NEEDS_RESOLVE: conflicts wait for a person (settle them, then `p4flow jobs continue`).</summary>
    public const int NeedsResolve = 3;

    /// <summary>The job ended CANCELLED.</summary>
    public const int Cancelled = 4;

    /// <summary>Not signed in, the sign-in expired or was refused, or the role does not allow it (401/403).</summary>
    public const int Unauthorized = 5;

    /// <summary>The server refused the request: bad input (400), not found (404) or a conflict with the job's state (409).</summary>
    public const int Rejected = 6;

    /// <summary>The server could not be reached or answered with an error of its own (TLS, connection, 5xx).</summary>
    public const int Unreachable = 7;

    /// <summary>--timeout ran out before the job ended or parked.</summary>
    public const int TimedOut = 8;

    public const string Legend = """
        Exit codes:
          0  done; with --wait, the job COMPLETED
          1  the job FAILED
          2  the command line is wrong
          3  the job waits in NEEDS_RESOLVE (settle its conflicts, then `p4flow jobs continue`)
          4  the job was CANCELLED
          5  not signed in, sign-in expired, or not allowed (run `p4flow login`)
          6  the server refused the request (bad input, not found, wrong state)
          7  the server could not be reached or failed
          8  --timeout ran out
        """;
}
