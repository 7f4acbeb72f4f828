namespace P4Flow.Activities.Perforce;

/// <summary>An activity input that must not reach a command; the job fails naming the input, nothing runs.</summary>
public sealed class ActivityInputException(string input, string message) : Exception(message)
{
    public string Input { get; } = input;
}
