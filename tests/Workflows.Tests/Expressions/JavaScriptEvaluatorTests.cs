using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Workflows.Expressions;

namespace P4Flow.Workflows.Tests.Expressions;

/// <summary>The evaluator on its own: one thread, so each evaluation reuses the same pooled engine.</summary>
public sealed class JavaScriptEvaluatorTests
{
    private static readonly Dictionary<string, JsonNode?> Globals = new(StringComparer.Ordinal)
    {
        ["input"] = new JsonObject { ["x"] = 20 },
        ["variables"] = new JsonObject { ["counter"] = 2 },
        ["activities"] = new JsonObject { ["sync"] = new JsonObject { ["files"] = new JsonArray(1, 2, 3) } },
    };

    private readonly JavaScriptEvaluator _evaluator = new(Options.Create(new ExpressionOptions { Timeout = TimeSpan.FromSeconds(1) }));

    [Fact]
    public void Evaluate_Globals_ReturnsJsonOfResult()
    {
        var result = _evaluator.Evaluate("({ sum: input.x + variables.counter, files: activities.sync.files.length })", Globals);

        Assert.Equal("""{"sum":22,"files":3}""", result?.ToJsonString());
    }

    [Fact]
    public void Evaluate_ScriptThatThrows_ThrowsExpressionExceptionAndEvaluatorStillWorks()
    {
        var error = Assert.Throws<ExpressionException>(() => _evaluator.Evaluate("activities.resolve.conflicts", Globals));

        Assert.Contains("Cannot read properties of undefined", error.Message, StringComparison.Ordinal);
        Assert.Equal(21, _evaluator.Evaluate("input.x + 1", Globals)?.GetValue<int>());
    }

    [Fact]
    public void Evaluate_ScriptThatDoesNotParse_ThrowsExpressionException()
    {
        var error = Record.Exception(() => _evaluator.Evaluate("input.x > ", Globals));

        Assert.IsType<ExpressionException>(error);
        Assert.Contains("does not parse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SameScriptWithTopLevelLetTwice_ReturnsValueBothTimes()
    {
        const string script = "let doubled = input.x * 2; doubled";

        var first = _evaluator.Evaluate(script, Globals);
        var second = Record.Exception(() => _evaluator.Evaluate(script, Globals));

        Assert.Equal(40, first?.GetValue<int>());
        Assert.Null(second);
    }

    [Fact]
    public void Evaluate_GlobalDeclaredByEarlierScript_IsNotVisibleToLaterScript()
    {
        _evaluator.Evaluate("var token = 'secret of job 1'; true", Globals);

        var seen = _evaluator.Evaluate("typeof token", Globals);

        Assert.Equal("undefined", seen?.GetValue<string>());
    }

    [Fact]
    public void Evaluate_ResultNestedDeeperThanJsonReader_ThrowsExpressionException()
    {
        var error = Record.Exception(() => _evaluator.Evaluate("var a = []; for (var i = 0; i < 100; i++) a = [a]; a", Globals));

        Assert.IsType<ExpressionException>(error);
    }

    [Fact]
    public void Evaluate_CatastrophicRegex_StopsAtTheTimeLimit()
    {
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<ExpressionException>(() => _evaluator.Evaluate("/(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')", Globals));

        Assert.Contains("time limit of 1000 ms", error.Message, StringComparison.Ordinal);
        // Unstopped, the backtracking runs for hours; a busy machine may stop it late, but within seconds.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"A 1 s time limit stopped the script after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void Evaluate_LargeGlobalOnEngineIdleLongerThanTheTimeLimit_Succeeds()
    {
        // Jint's JSON parser checks the limits every 10,000 array elements: a sync's list of a 10,000-file branch reaches that.
        var files = new JsonArray([.. Enumerable.Range(0, 10_000).Select(i => (JsonNode)new JsonObject { ["file"] = $"//depot/rel/f{i}.txt", ["action"] = "added" })]);
        var large = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["input"] = new JsonObject { ["source"] = "//depot/main/..." },
            ["activities"] = new JsonObject { ["sync"] = new JsonObject { ["files"] = files } },
        };
        _evaluator.Evaluate("input.x", Globals);
        // Past the previous script's deadline, which the pooled engine still holds until its next script starts.
        Thread.Sleep(TimeSpan.FromSeconds(1.2));

        var result = Record.Exception(() => _evaluator.Evaluate("input.source", large));

        Assert.Null(result);
    }
}
