using P4Flow.Cli;
using P4Flow.Cli.Commands;

namespace P4Flow.Cli.Tests;

public sealed class RunInputsTests
{
    [Fact]
    public void Parse_TextAndJsonPairs_StringsStayStringsJsonIsTyped()
    {
        var input = RunInputs.Parse(["source=//depot/main/...", "retries:=3", "labels:=[\"linux\"]", "description=a=b", "empty="], null);

        Assert.Equal("//depot/main/...", input["source"]!.GetValue<string>());
        Assert.Equal(3, input["retries"]!.GetValue<int>());
        Assert.Equal("linux", input["labels"]![0]!.GetValue<string>());
        Assert.Equal("a=b", input["description"]!.GetValue<string>());
        Assert.Equal("", input["empty"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("nameonly", "must be name=value")]
    [InlineData("=value", "has no name")]
    [InlineData("n:=[1,", "--input n:= is not JSON")]
    public void Parse_Malformed_UsageErrorNamingIt(string pair, string message)
    {
        var error = Assert.Throws<CliException>(() => RunInputs.Parse([pair], null));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameNameTwice_Refused()
    {
        var error = Assert.Throws<CliException>(() => RunInputs.Parse(["a=1", "a=2"], null));

        Assert.Contains("--input a is given twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InputFileThenPairs_PairsOverrideTheFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{"source": "//depot/main/...", "target": "//depot/old/..."}""");

            var input = RunInputs.Parse(["target=//depot/rel/..."], new FileInfo(file));

            Assert.Equal("//depot/main/...", input["source"]!.GetValue<string>());
            Assert.Equal("//depot/rel/...", input["target"]!.GetValue<string>());
            File.WriteAllText(file, "[1, 2]");
            Assert.Contains("must hold a JSON object", Assert.Throws<CliException>(() => RunInputs.Parse([], new FileInfo(file))).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
