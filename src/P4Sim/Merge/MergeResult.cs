namespace P4Flow.P4Sim.Merge;

/// <summary>The chunk counts p4 reports ("Diff chunks: ...") and the merged text, markers included.</summary>
internal sealed record MergeResult(int Yours, int Theirs, int Both, int Conflicting, string Merged)
{
    public string Summary => $"Diff chunks: {Yours} yours + {Theirs} theirs + {Both} both + {Conflicting} conflicting";
}
