using P4Flow.Agent.Configuration;
using P4Flow.Protocol;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Tests.Execution;

/// <summary>
/// The built-in p4flow-write-file: it replaces the content of an existing file in the job's folder and nothing else.
/// Every refusal leaves the file (and whatever a link points at) as it was.
/// </summary>
public sealed class WriteFileCommandTests : IDisposable
{
    private const string Old = "<<<<<<< theirs\nold\n=======\nmine\n>>>>>>> yours\n";
    private readonly TestAgent _agent = new();

    public WriteFileCommandTests()
    {
        JobFolder = Path.Combine(Path.GetFullPath(_agent.Options.Workspace), "job");
        Outside = Path.Combine(_agent.Root, "outside");
        Directory.CreateDirectory(Path.Combine(JobFolder, "src"));
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(JobFolder, "src", "a.txt"), Old);
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "root's\n");
    }

    private string JobFolder { get; }

    private string Outside { get; }

    private string Target => Path.Combine(JobFolder, "src", "a.txt");

    private string Secret => Path.Combine(Outside, "secret.txt");

    public void Dispose()
    {
        _agent.Dispose();
        Directory.Delete(_agent.Root, recursive: true);
    }

    [Fact]
    public async Task RunAsync_RelativePath_ReplacesTheContentVerbatimAndKeepsTheMode()
    {
        File.SetUnixFileMode(Target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var chunks = new List<string>();
        // $WORKDIR is a program's placeholder; in a merge result it is text like any other.
        const string Merged = "merged ü\n$WORKDIR\n";

        var result = await _agent.Runner.RunAsync(WriteFile("src/a.txt", Merged), (_, data) => chunks.Add(data), CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.False(result.Refused);
        Assert.Equal($"wrote 19 bytes to {Target}\n", result.Stdout);
        Assert.Equal(result.Stdout, string.Concat(chunks));
        Assert.Equal(Merged, File.ReadAllText(Target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Target));
        Assert.False(Directory.Exists(Path.Combine(JobFolder, ".tmp")), "a built-in command makes nothing in the job's folder");
    }

    [Theory]
    [InlineData("{0}/src/a.txt")]
    [InlineData("{0}//src/./a.txt")]
    public async Task RunAsync_AbsolutePathInsideTheJobFolder_TruncatesAndWrites(string form)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, form, JobFolder);

        var result = await RunAsync(WriteFile(path, "short\n"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"wrote 6 bytes to {Target}\n", result.Stdout);
        Assert.Equal("short\n", File.ReadAllText(Target));
    }

    [Fact]
    public async Task RunAsync_EmptyContent_EmptiesTheFile()
    {
        var result = await RunAsync(WriteFile("src/a.txt", ""));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0, new FileInfo(Target).Length);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("src/../src/a.txt")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("src/")]
    public async Task RunAsync_PathThatCouldLeaveOrIsNoFile_Refused(string path)
    {
        var result = await RunAsync(WriteFile(path, "x"));

        AssertRefused(result, path.Length == 0 ? "empty" : path);
        Assert.Equal(Old, File.ReadAllText(Target));
    }

    [Fact]
    public async Task RunAsync_AbsolutePathOutsideTheJobFolder_RefusedAndThatFileUnchanged()
    {
        var result = await RunAsync(WriteFile(Secret, "x"));

        AssertRefused(result, "outside the job's folder");
        Assert.Equal("root's\n", File.ReadAllText(Secret));
    }

    [Fact]
    public async Task RunAsync_AbsolutePathInASiblingWithTheSamePrefix_Refused()
    {
        var sibling = JobFolder + "-other";
        Directory.CreateDirectory(sibling);
        File.WriteAllText(Path.Combine(sibling, "a.txt"), "sibling\n");

        var result = await RunAsync(WriteFile(Path.Combine(sibling, "a.txt"), "x"));

        AssertRefused(result, "outside the job's folder");
        Assert.Equal("sibling\n", File.ReadAllText(Path.Combine(sibling, "a.txt")));
    }

    [Fact]
    public async Task RunAsync_FinalComponentIsASymlink_RefusedAndItsTargetUnchanged()
    {
        var link = Path.Combine(JobFolder, "src", "link.txt");
        File.CreateSymbolicLink(link, Secret);

        var result = await RunAsync(WriteFile("src/link.txt", "x"));

        AssertRefused(result, "symbolic link");
        Assert.Equal("root's\n", File.ReadAllText(Secret));
        Assert.Equal(Secret, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task RunAsync_SymlinkedFolderInTheMiddle_RefusedAndTheFileBehindItUnchanged()
    {
        Directory.CreateSymbolicLink(Path.Combine(JobFolder, "linked"), Outside);

        var result = await RunAsync(WriteFile(Path.Combine(JobFolder, "linked", "secret.txt"), "x"));

        AssertRefused(result, "symbolic link");
        Assert.Contains(Path.Combine(JobFolder, "linked"), result.Error, StringComparison.Ordinal);
        Assert.Equal("root's\n", File.ReadAllText(Secret));
    }

    [Fact]
    public async Task RunAsync_HardLinkToAFileOutside_RefusedAndThatFileUnchanged()
    {
        var link = Path.Combine(JobFolder, "src", "hard.txt");
        HardLink(Secret, link);

        var result = await RunAsync(WriteFile("src/hard.txt", "x"));

        AssertRefused(result, "2 hard links");
        Assert.Equal("root's\n", File.ReadAllText(Secret));
    }

    [Fact]
    public async Task RunAsync_FolderAsTheFile_Refused()
    {
        var result = await RunAsync(WriteFile("src", "x"));

        AssertRefused(result, "not a regular file");
        Assert.True(Directory.Exists(Path.Combine(JobFolder, "src")));
    }

    [Fact]
    public async Task RunAsync_MissingFile_ExitCode1AndNothingCreated()
    {
        var result = await RunAsync(WriteFile("src/new.txt", "x"));

        Assert.Equal(1, result.ExitCode);
        Assert.False(result.Refused);
        Assert.Contains($"{Path.Combine(JobFolder, "src", "new.txt")} does not exist", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(JobFolder, "src", "new.txt")));
    }

    [Fact]
    public async Task RunAsync_MissingFolderOnTheWay_ExitCode1AndNothingCreated()
    {
        var result = await RunAsync(WriteFile("nowhere/new.txt", "x"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(JobFolder, "nowhere")));
    }

    [Fact]
    public async Task RunAsync_ReadOnlyFile_ExitCode1AndUnchanged()
    {
        // p4 leaves a file it has not opened read-only; root could write it, its owner could not, and neither does this.
        File.SetUnixFileMode(Target, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await RunAsync(WriteFile("src/a.txt", "x"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("read-only", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(Old, File.ReadAllText(Target));
    }

    [Fact]
    public async Task RunAsync_NoStdin_Refused()
    {
        var command = WriteFile("src/a.txt", null);

        var result = await RunAsync(command);

        AssertRefused(result, "stdin");
        Assert.Equal(Old, File.ReadAllText(Target));
    }

    [Fact]
    public async Task RunAsync_MoreThanOnePath_Refused()
    {
        var command = WriteFile("src/a.txt", "x");
        command.Args.Add("src/b.txt");

        var result = await RunAsync(command);

        AssertRefused(result, "exactly one argument");
        Assert.Equal(Old, File.ReadAllText(Target));
    }

    [Theory]
    [InlineData("/usr/bin/p4flow-write-file")]
    [InlineData("p4flow-write-file2")]
    [InlineData("P4FLOW-WRITE-FILE")]
    public async Task RunAsync_OtherNameLikeTheBuiltIn_IsAProgramOffTheAllowList(string program)
    {
        var command = TestAgent.Command(1, "job", program, "src/a.txt");
        command.Stdin = "x";

        var result = await RunAsync(command);

        AssertRefused(result, "not an allowed executable");
        Assert.Equal(Old, File.ReadAllText(Target));
    }

    [Fact]
    public async Task RunAsync_CancelledBeforeItRuns_CancelledAndUnchanged()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        var result = await _agent.Runner.RunAsync(WriteFile("src/a.txt", "x"), (_, _) => { }, cancel.Token);

        Assert.True(result.Cancelled);
        Assert.Equal(-1, result.ExitCode);
        Assert.Equal(Old, File.ReadAllText(Target));
    }

    [Fact]
    public async Task RunAsync_RootAgentFileOfTheRunAsUser_WrittenAndStillTheirs()
    {
        if (!Environment.IsPrivilegedProcess) return; // only root can give the folder to another user
        const int Nobody = 65534;
        Chown(JobFolder, Nobody);
        Chown(Path.Combine(JobFolder, "src"), Nobody);
        Chown(Target, Nobody);

        var result = await RunAsync(WriteFile("src/a.txt", "merged\n"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("merged\n", File.ReadAllText(Target));
        Assert.Equal(Nobody, OwnerOf(Target));
    }

    [Fact]
    public async Task RunAsync_FileOfAnotherOwnerThanTheJobFolder_Refused()
    {
        if (!Environment.IsPrivilegedProcess) return; // only root can give a file to another user
        Chown(JobFolder, 65534);

        var result = await RunAsync(WriteFile("src/a.txt", "x"));

        AssertRefused(result, "not to uid 65534");
        Assert.Equal(Old, File.ReadAllText(Target));
    }

    [Fact]
    public async Task Accept_SignedWriteFile_RunsThroughTheGuardAndIsCached()
    {
        _agent.Accept(WriteFile("src/a.txt", "merged\n"));
        var sent = (await _agent.NextAsync(AgentMessage.BodyOneofCase.Result)).Result;

        Assert.Equal(0, sent.ExitCode);
        Assert.Equal("merged\n", File.ReadAllText(Target));
        Assert.True(_agent.Cache.TryGetResult(1, out var cached));
        Assert.Equal(sent.Stdout, cached.Stdout);
    }

    [Fact]
    public async Task Accept_PathChangedAfterSigning_RefusedUnwritten()
    {
        var command = TestAgent.Seal(WriteFile("src/a.txt", "merged\n"));
        command.Args[1] = Secret;

        _agent.Executor.Accept(command);
        var sent = (await _agent.NextAsync(AgentMessage.BodyOneofCase.Result)).Result;

        Assert.True(sent.Refused);
        Assert.Contains("signature check failed", sent.Error, StringComparison.Ordinal);
        Assert.Equal(Old, File.ReadAllText(Target));
        Assert.Equal("root's\n", File.ReadAllText(Secret));
    }

    private static Command WriteFile(string path, string? content)
    {
        var command = TestAgent.Command(1, "job", BuiltInCommands.WriteFile, path);
        if (content is not null) command.Stdin = content;
        return command;
    }

    private Task<CommandResult> RunAsync(Command command) => _agent.Runner.RunAsync(command, (_, _) => { }, CancellationToken.None);

    private static void AssertRefused(CommandResult result, string why)
    {
        Assert.True(result.Refused, result.Error);
        Assert.Equal(-1, result.ExitCode);
        Assert.Contains(why, result.Error, StringComparison.Ordinal);
        Assert.Equal(result.Error, result.Stderr);
    }

    private static void HardLink(string existing, string link)
    {
        using var ln = System.Diagnostics.Process.Start("/bin/ln", [existing, link]);
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
    }

    private static void Chown(string path, int uid)
    {
        using var chown = System.Diagnostics.Process.Start("/bin/chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path]);
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }

    private static int OwnerOf(string path)
    {
        using var stat = new System.Diagnostics.Process { StartInfo = new("/usr/bin/stat", ["-c", "%u", path]) { RedirectStandardOutput = true } };
        stat.Start();
        var owner = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return int.Parse(owner.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
