using System.Text.RegularExpressions;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>
/// Edits config/agent_whitelist.yaml line by line, so the comments people wrote stay. Each edit is checked by
/// parsing the result before it replaces the file (atomically); a file that would not parse is left as it was.
/// </summary>
public static partial class WhitelistFile
{
    private static readonly Lock Gate = new();

    /// <summary>Adds the agent's entry, replacing any earlier entry of the same CN.</summary>
    public static void Put(string path, string certCn, string hostname, string ipRange)
    {
        lock (Gate)
        {
            var lines = Without(Read(path), certCn);
            if (!lines.Any(l => l.StartsWith("allowed_agents:", StringComparison.Ordinal)))
                lines.Add("allowed_agents:");
            else if (lines.FindIndex(l => l.StartsWith("allowed_agents:", StringComparison.Ordinal)) is var at && lines[at].Contains("[]", StringComparison.Ordinal))
                lines[at] = "allowed_agents:";
            lines.Add($"  - hostname: {Quote(hostname)}");
            lines.Add($"    cert_cn: {Quote(certCn)}");
            lines.Add($"    ip_range: {Quote(ipRange)}");
            Save(path, lines);
        }
    }

    /// <summary>Removes every entry of the CN; false when there was none.</summary>
    public static bool Remove(string path, string certCn)
    {
        lock (Gate)
        {
            var before = Read(path);
            var after = Without(before, certCn);
            if (after.Count == before.Count) return false;
            Save(path, after);
            return true;
        }
    }

    private static List<string> Read(string path) => File.Exists(path) ? [.. File.ReadAllLines(path)] : [];

    private static List<string> Without(List<string> lines, string certCn)
    {
        var result = new List<string>(lines.Count);
        var block = new List<string>();
        var inBlock = false;
        void Flush()
        {
            if (!block.Any(l => CertCn().Match(l) is { Success: true } m && m.Groups["cn"].Value == certCn)) result.AddRange(block);
            block.Clear();
        }
        foreach (var line in lines)
        {
            var starts = EntryStart().IsMatch(line);
            var ends = line.Length > 0 && !char.IsWhiteSpace(line[0]) && !line.StartsWith('#');
            if (starts || ends)
            {
                Flush();
                inBlock = starts;
            }
            if (inBlock) block.Add(line);
            else result.Add(line);
        }
        Flush();
        return result;
    }

    private static void Save(string path, List<string> lines)
    {
        var text = string.Join('\n', lines) + "\n";
        AgentWhitelist.Parse(text);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^\s*-\s")]
    private static partial Regex EntryStart();

    [GeneratedRegex(@"^\s*(-\s+)?cert_cn:\s*[""']?(?<cn>[^""'\s#]+)[""']?\s*(#.*)?$")]
    private static partial Regex CertCn();
}
