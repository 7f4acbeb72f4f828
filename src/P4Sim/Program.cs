using System.Collections;

namespace P4Flow.P4Sim;

internal static class Program
{
    public static int Main(string[] args)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        // p4 output is always LF-terminated UTF-8, whatever the console says.
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        using var stderr = new StreamWriter(Console.OpenStandardError(), new System.Text.UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
        return P4Simulator.Run(args, stdout, stderr, environment, Directory.GetCurrentDirectory(), Console.In);
    }
}
