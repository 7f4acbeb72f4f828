using System.Text.Json.Nodes;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Definitions;

public sealed class DefinitionValidatorTests
{
    private static readonly ActivityRegistry Registry = new(
    [
        new Start(), new Decision(), new SetVariable(), new Fail(), new Finish(), new Delay(), new WaitForSignal(),
        new Step(), new Choose(), new TestJob(), new Typed(),
    ]);

    private readonly DefinitionValidator _validator = new(Registry);

    [Fact]
    public void Validate_ValidDefinition_HasNoErrors()
    {
        var errors = _validator.Validate(Valid().Build());

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_UnknownActivityType_NamesActivityAndType()
    {
        var error = SingleError(Valid().Add("mystery", "P4Teleport").Chain("after", "mystery"));

        AssertNames(error, "activities[mystery].type", "mystery", "type");
        Assert.Contains("P4Teleport", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingRequiredInput_NamesActivityAndInput()
    {
        var error = SingleError(Valid().Add("wait", nameof(WaitForSignal)).Chain("after", "wait"));

        AssertNames(error, "activities[wait].inputs.signal", "wait", "signal");
    }

    [Theory]
    [InlineData(nameof(Delay), "seconds", "\"abc\"")]
    [InlineData(nameof(Typed), "count", "\"abc\"")]
    [InlineData(nameof(Typed), "count", "1.5")]
    [InlineData(nameof(Typed), "ratio", "\"twelve\"")]
    [InlineData(nameof(Typed), "flag", "\"maybe\"")]
    [InlineData(nameof(Typed), "items", "{\"not\":\"a list\"}")]
    public void Validate_LiteralOfWrongType_NamesActivityAndInput(string type, string input, string literal)
    {
        var error = SingleError(Valid().Add("typed", type, new() { [input] = Flow.Lit(JsonNode.Parse(literal)) }).Chain("after", "typed"), ignoreMissingInputs: true);

        AssertNames(error, $"activities[typed].inputs.{input}", "typed", input);
    }

    [Fact]
    public void Validate_InputTheActivityDoesNotHave_NamesActivityAndInput()
    {
        var error = SingleError(Valid().Add("typed", nameof(Typed), new() { ["colour"] = Flow.Lit("red") }).Chain("after", "typed"));

        AssertNames(error, "activities[typed].inputs.colour", "typed", "colour");
    }

    [Fact]
    public void Validate_ConnectionFromUnknownActivity_NamesConnectionSource()
    {
        var error = SingleError(Valid().Connect("ghost", "after"));

        AssertNames(error, "connections[3].source.activity", "ghost", "source.activity");
    }

    [Fact]
    public void Validate_ConnectionToUnknownActivity_NamesConnectionTarget()
    {
        var error = SingleError(Valid().Connect("after", "ghost"));

        AssertNames(error, "connections[3].target.activity", "ghost", "target.activity");
    }

    [Fact]
    public void Validate_UnknownOutcomePort_NamesActivityAndPort()
    {
        var error = SingleError(Valid().Add("maybe", nameof(Step)).Connect("decide", "maybe", "Maybe"));

        AssertNames(error, "connections[3].source.port", "decide", "source.port");
        Assert.Contains("True, False", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnreachableActivity_NamesActivity()
    {
        var error = SingleError(Valid().Add("island", nameof(Step)));

        Assert.Equal("activities[island]", error.Path);
        Assert.Equal("island", error.ActivityId);
        Assert.Contains("cannot be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_JavaScriptThatDoesNotParse_NamesActivityAndInput()
    {
        var definition = Valid().Build();
        definition.Root.Activities.Single(a => a.Id == "decide").Inputs["condition"] = Flow.Js("input.x > ");

        var error = Assert.Single(_validator.Validate(definition));

        AssertNames(error, "activities[decide].inputs.condition", "decide", "condition");
        Assert.Contains("does not parse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LoopWithoutMaxIterations_NamesActivityAndMaxIterations()
    {
        var error = SingleError(Valid()
            .Add("retry", nameof(Step))
            .Connect("decide", "retry", "False")
            .Connect("retry", "decide"));

        AssertNames(error, "activities[decide].maxIterations", "decide", "maxIterations");
    }

    [Fact]
    public void Validate_LoopWithMaxIterations_HasNoErrors()
    {
        var definition = Valid().Add("retry", nameof(Step)).Connect("decide", "retry", "False").Connect("retry", "decide").Build();
        definition.Root.Activities.Single(a => a.Id == "decide").MaxIterations = 5;

        Assert.Empty(_validator.Validate(definition));
    }

    // start -> decide (JavaScript over input.x) -True-> after; a Delay hangs off after.
    private static Flow Valid() => Flow.Create("valid")
        .Input("x", DataType.Integer, required: true)
        .Add("start", nameof(Start))
        .Add("decide", nameof(Decision), new() { ["condition"] = Flow.Js("input.x > 5") })
        .Add("after", nameof(Step), new() { ["value"] = Flow.Lit("done") })
        .Add("pause", nameof(Delay), new() { ["seconds"] = Flow.Lit(1.5) })
        .Chain("start", "decide")
        .Connect("decide", "after", "True")
        .Chain("after", "pause");

    private ValidationError SingleError(Flow flow, bool ignoreMissingInputs = false)
    {
        var errors = _validator.Validate(flow.Build());
        if (ignoreMissingInputs) errors = errors.Where(e => !e.Message.Contains("missing required input", StringComparison.Ordinal)).ToList();
        return Assert.Single(errors);
    }

    private static void AssertNames(ValidationError error, string path, string activityId, string field)
    {
        Assert.Equal(path, error.Path);
        Assert.Equal(activityId, error.ActivityId);
        Assert.Equal(field, error.Field);
    }
}
