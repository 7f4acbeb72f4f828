using P4Flow.P4Sim.Commands;

namespace P4Flow.P4Sim.Tests.Commands;

/// <summary>
/// What p4 prints when the client's disk refuses a workspace file: its MsgOs form "OP: PATH: STRERROR". The whole
/// path through a full disk (sync into a full tmpfs) runs in the fault matrix's disk-full row.
/// </summary>
public sealed class ClientFileErrorTests
{
    [Theory]
    [InlineData(28, "write: /ws/rel/a.c: No space left on device")]
    [InlineData(30, "write: /ws/rel/a.c: Read-only file system")]
    [InlineData(122, "write: /ws/rel/a.c: Disk quota exceeded")]
    public void Write_DiskRefuses_MessageAsP4PrintsIt(int errno, string expected)
    {
        var refused = new IOException("from the OS", errno);

        var reason = ClientFileException.Describe(refused);

        Assert.Equal(expected, new ClientFileException("write", "/ws/rel/a.c", reason!, refused).Message);
    }

    [Fact]
    public void Describe_OtherErrors_NotAClientFileError() =>
        Assert.Null(ClientFileException.Describe(new IOException("sharing violation", 11)));
}
