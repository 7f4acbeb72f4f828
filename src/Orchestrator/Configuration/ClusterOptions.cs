using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Configuration;

/// <summary>
/// cluster: several orchestrators on one PostgreSQL database (state_management.type: postgresql). Each is a node that
/// holds a lease in the database; a node that stops renewing it is taken over by another.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "cluster";

    /// <summary>Seconds from a node's death (a kill -9, a lost machine) to another node taking over its work.</summary>
    [ConfigurationKeyName("node_lease")]
    public int NodeLease { get; set; } = 30;

    /// <summary>The start of this node's name in the cluster (the host name when empty); each start adds a suffix of its own.</summary>
    [ConfigurationKeyName("node_name")]
    public string? NodeName { get; set; }

    /// <summary>How often the lease is renewed and the other nodes' leases are looked at: a sixth of it (two thirds are held).</summary>
    public TimeSpan CheckEvery => TimeSpan.FromSeconds(NodeLease / 6.0);

    /// <summary>What a renewal holds: two thirds of node_lease, so that a death is seen (one more check) within node_lease.</summary>
    public TimeSpan Held => TimeSpan.FromSeconds(NodeLease * 2 / 3.0);
}

internal sealed class ClusterOptionsValidation : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options) => Checks.Result(
        Checks.Range("cluster.node_lease", options.NodeLease, 6, 3600),
        options.NodeName is null || System.Text.RegularExpressions.Regex.IsMatch(options.NodeName, "^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$")
            ? null : $"cluster.node_name must be 1-48 letters, digits, dots, dashes or underscores, starting with a letter or digit (got '{options.NodeName}').");
}
