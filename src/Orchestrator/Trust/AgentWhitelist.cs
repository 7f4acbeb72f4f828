using System.Net;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace P4Flow.Orchestrator.Trust;

/// <summary>One allowed agent: its certificate's CN and the address ranges it may connect from.</summary>
public sealed record WhitelistEntry(string Hostname, string CertCn, IReadOnlyList<IPNetwork> IpRanges);

/// <summary>
/// config/agent_whitelist.yaml: an agent is let in only if its certificate's CN and its address match one entry.
/// <c>ip_range</c> is a CIDR (IPv4 or IPv6) or several separated by commas; <c>hostname</c> names the host for people.
/// </summary>
public sealed class AgentWhitelist(IReadOnlyList<WhitelistEntry> entries)
{
    public static AgentWhitelist Empty { get; } = new([]);

    public IReadOnlyList<WhitelistEntry> Entries { get; } = entries;

    /// <returns>null when allowed, else why not.</returns>
    public string? Check(string commonName, IPAddress address, out WhitelistEntry? match)
    {
        ArgumentNullException.ThrowIfNull(address);
        match = null;
        var ip = Normalize(address);
        var named = Entries.Where(e => string.Equals(e.CertCn, commonName, StringComparison.Ordinal)).ToList();
        if (named.Count == 0) return $"certificate CN '{commonName}' is not in the agent whitelist";
        match = named.FirstOrDefault(e => e.IpRanges.Any(r => r.Contains(ip)));
        return match is not null ? null
            : $"certificate CN '{commonName}' may connect from {string.Join(", ", named.SelectMany(e => e.IpRanges))} only, not from {ip}";
    }

    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <exception cref="FormatException">The file is not a whitelist; the message names the entry and the key.</exception>
    public static AgentWhitelist Parse(string yaml)
    {
        WhitelistFile? file;
        try
        {
            file = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Deserialize<WhitelistFile?>(yaml);
        }
        catch (YamlException ex)
        {
            throw new FormatException($"The agent whitelist is not valid YAML: {ex.Message}", ex);
        }
        var entries = new List<WhitelistEntry>();
        foreach (var (raw, index) in (file?.AllowedAgents ?? []).Select((e, i) => (e, i)))
        {
            var where = $"allowed_agents[{index}]";
            if (string.IsNullOrWhiteSpace(raw.CertCn)) throw new FormatException($"{where}.cert_cn is missing.");
            if (string.IsNullOrWhiteSpace(raw.IpRange)) throw new FormatException($"{where}.ip_range is missing (a CIDR such as 10.194.0.0/24 or ::1/128).");
            var ranges = new List<IPNetwork>();
            foreach (var part in raw.IpRange.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var text = part.Contains('/', StringComparison.Ordinal) ? part : part + (part.Contains(':', StringComparison.Ordinal) ? "/128" : "/32");
                if (!IPNetwork.TryParse(text, out var network)) throw new FormatException($"{where}.ip_range '{part}' is not a CIDR range.");
                ranges.Add(network);
            }
            entries.Add(new WhitelistEntry(raw.Hostname ?? "", raw.CertCn, ranges));
        }
        return new AgentWhitelist(entries);
    }

    private sealed class WhitelistFile
    {
        public List<RawEntry>? AllowedAgents { get; set; }
    }

    private sealed class RawEntry
    {
        public string? Hostname { get; set; }
        public string? CertCn { get; set; }
        public string? IpRange { get; set; }
    }
}
