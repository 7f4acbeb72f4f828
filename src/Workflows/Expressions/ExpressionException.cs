namespace P4Flow.Workflows.Expressions;

/// <summary>An expression that would not parse, threw, or broke a limit.</summary>
public sealed class ExpressionException(string message, Exception? inner = null) : Exception(message, inner);
