using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;

namespace P4Flow.Activities.Tests.Support;

/// <summary>What P4Client hands the parsers: one finished p4 run, parsed.</summary>
internal static class P4Run
{
    public static P4Output Parse(string stdout = "", string stderr = "", int exit = 0, bool timedOut = false) =>
        P4Output.Parse(new CommandRun(1, exit, stdout, stderr, TimeSpan.FromMilliseconds(5), timedOut));
}
