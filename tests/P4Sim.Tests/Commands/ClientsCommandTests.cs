namespace P4Flow.P4Sim.Tests.Commands;

/// <summary>p4 clients (workspaces): the one-line form, its filters and its tagged record.</summary>
public sealed class ClientsCommandTests : IDisposable
{
    private readonly SimHarness _p4 = new(createClient: false);

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void Clients_SeveralClients_OneLinePerClientByName()
    {
        Create("zeta", "alice", "Created by alice.");
        Create("alpha", "bob", "Created by bob.");

        var result = SimHarness.Ok(_p4.Run("clients"));

        Assert.Equal(
            [$"Client alpha 2024/05/01 root {RootOf("alpha")} 'Created by bob. '",
             $"Client zeta 2024/05/01 root {RootOf("zeta")} 'Created by alice. '"],
            result.Out);
        Assert.Empty(result.Err);
    }

    [Fact]
    public void Clients_LongDescription_First31CharactersNewlinesAsSpaces()
    {
        Create("ws", "bob", "Build\nworkspace for the nightly release");

        var result = _p4.Run("clients");

        Assert.Equal([$"Client ws 2024/05/01 root {RootOf("ws")} 'Build workspace for the nightly'"], result.Out);
    }

    [Fact]
    public void Clients_DateIsLastUpdate_TimeWithT()
    {
        Create("ws", "bob", "first");
        var later = new Dictionary<string, string> { ["P4SIM_NOW"] = "1714741200" }; // 2024/05/03 13:00:00
        SimHarness.Ok(_p4.RunWith(later, Form("ws", "bob", "second"), "client", "-i"));

        Assert.Equal([$"Client ws 2024/05/03 root {RootOf("ws")} 'second '"], _p4.Run("clients").Out);
        Assert.Equal([$"Client ws 2024/05/03 13:00:00 root {RootOf("ws")} 'second '"], _p4.Run("clients", "-t").Out);
    }

    [Fact]
    public void Clients_UserOption_OnlyThatOwnersClients()
    {
        Create("a-ws", "alice", "a");
        Create("b-ws", "bob", "b");

        Assert.Equal(["a-ws"], Names("-u", "alice"));
        Assert.Equal(["b-ws"], Names("--me"));
        Assert.Empty(Names("-u", "Alice"));
    }

    [Fact]
    public void Clients_NameFilterE_CaseSensitiveWholeNameWildcard()
    {
        Create("svr-dev-rel1", "bob", "x");
        Create("svr-dev-main", "bob", "x");
        Create("my-svr-dev-rel", "bob", "x");

        Assert.Equal(["svr-dev-rel1"], Names("-e", "svr-dev-rel*"));
        Assert.Equal(["my-svr-dev-rel", "svr-dev-rel1"], Names("-e", "*rel*"));
        Assert.Equal(["svr-dev-main"], Names("-e", "svr-dev-main"));
        Assert.Empty(Names("-e", "SVR-*"));
        Assert.Empty(Names("-e", "svr-dev"));
    }

    [Fact]
    public void Clients_NameFilterUpperE_CaseInsensitive()
    {
        Create("Build-WS", "bob", "x");
        Create("dev", "bob", "x");

        Assert.Equal(["Build-WS"], Names("-E", "build-*"));
        Assert.Equal(["Build-WS", "dev"], Names("-E", "*"));
    }

    [Fact]
    public void Clients_Max_FirstClientsByNameAfterFilters()
    {
        Create("c", "bob", "x");
        Create("a", "alice", "x");
        Create("b", "bob", "x");

        Assert.Equal(["a", "b"], Names("-m", "2"));
        Assert.Equal(["b"], Names("-u", "bob", "-m", "1"));
    }

    [Fact]
    public void ClientsTagged_Client_SpecFieldsWithUnixDates()
    {
        Create("ws", "bob", "Created by bob.");

        var result = SimHarness.Ok(_p4.Run("-ztag", "workspaces"));

        Assert.Equal(
            ["... client ws", "... Update 1714564800", "... Access 1714564800", "... Owner bob",
             "... Options noallwrite noclobber nocompress unlocked nomodtime normdir",
             "... SubmitOptions submitunchanged", "... LineEnd local", $"... Root {RootOf("ws")}", "... Host",
             "... Type writeable", "... Backup enable", "... Description Created by bob."],
            result.Out);

        // The description keeps its newline, so a blank line follows it before the record's own.
        Assert.EndsWith("... Description Created by bob.\n\n\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientsJson_Client_OneObjectPerClient()
    {
        Create("ws", "bob", "Created by bob.");

        var result = _p4.Run("-ztag", "-Mj", "clients");

        var root = RootOf("ws");
        Assert.Equal(
            ["{\"client\":\"ws\",\"Update\":\"1714564800\",\"Access\":\"1714564800\",\"Owner\":\"bob\"," +
             "\"Options\":\"noallwrite noclobber nocompress unlocked nomodtime normdir\",\"SubmitOptions\":\"submitunchanged\"," +
             $"\"LineEnd\":\"local\",\"Root\":\"{root}\",\"Host\":\"\",\"Type\":\"writeable\",\"Backup\":\"enable\"," +
             "\"Description\":\"Created by bob.\\n\"}"],
            result.Out);
    }

    [Fact]
    public void ClientsScript_Client_InfoLineThenExit()
    {
        Create("ws", "bob", "Created by bob.");

        var result = _p4.Run("-s", "clients");

        Assert.Equal([$"info: Client ws 2024/05/01 root {RootOf("ws")} 'Created by bob. '", "exit: 0"], result.Out);
    }

    [Fact]
    public void Clients_NoClients_NothingExitZero()
    {
        var result = _p4.Run("clients");

        Assert.Equal(0, result.Exit);
        Assert.Empty(result.Out);
        Assert.Empty(result.Err);
        Assert.Equal(["exit: 0"], _p4.Run("-s", "clients", "-u", "nobody").Out);
    }

    [Fact]
    public void Clients_AfterClientDelete_NoLongerListed()
    {
        Create("keep", "bob", "x");
        Create("gone", "bob", "x");

        SimHarness.Ok(_p4.Run("client", "-d", "gone"));

        Assert.Equal(["keep"], Names());
    }

    [Fact]
    public void ClientsTagged_WorkspaceUsed_AccessMovesAtMostEveryAccessUpdateSeconds()
    {
        Create("ws", "bob", "x");
        string Access() => SimHarness.Ok(_p4.Run("-ztag", "clients")).Out.Single(l => l.StartsWith("... Access ", StringComparison.Ordinal))[11..];
        Dictionary<string, string> At(long secondsAfter) => new() { ["P4SIM_NOW"] = (SimHarness.Now + secondsAfter).ToString(System.Globalization.CultureInfo.InvariantCulture) };

        // Reading about the workspace is not using it.
        _p4.RunWith(At(400), "", "opened");
        Assert.Equal("1714564800", Access());

        // A command working in it: its Access time moves, but not again within dm.domain.accessupdate (300 s).
        _p4.RunWith(At(400), "", "sync");
        Assert.Equal("1714565200", Access());
        _p4.RunWith(At(650), "", "sync");
        Assert.Equal("1714565200", Access());
        _p4.RunWith(At(700), "", "resolve", "-n");
        Assert.Equal("1714565500", Access());

        SimHarness.Ok(_p4.Run("configure", "set", "dm.domain.accessupdate=1"));
        _p4.RunWith(At(701), "", "sync");
        Assert.Equal("1714565501", Access());
    }

    private void Create(string name, string owner, string description) =>
        SimHarness.Ok(_p4.RunWithInput(Form(name, owner, description), "client", "-i"));

    private string Form(string name, string owner, string description) =>
        $"Client:\t{name}\n\nOwner:\t{owner}\n\nDescription:\n\t{description.Replace("\n", "\n\t", StringComparison.Ordinal)}\n\n" +
        $"Root:\t{RootOf(name)}\n\nView:\n\t//depot/... //{name}/...\n";

    private string RootOf(string name) => Path.Combine(_p4.Folder, name);

    private string[] Names(params string[] options) =>
        SimHarness.Ok(_p4.Run(["clients", .. options])).Out.Select(l => l.Split(' ')[1]).ToArray();
}
