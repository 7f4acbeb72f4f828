using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>The agent build a bootstrap uploads: a .tar.gz of a published agent, its SHA-256, and the machine it runs on.</summary>
/// <param name="Machine">What `uname -m` says on a host it runs on (x86_64, aarch64); null when the bundle does not tell.</param>
public sealed record AgentBundle(string Path, string Sha256, long Length, string? Machine = null);

/// <summary>
/// Finds or makes the agent bundle: bootstrap.agent_package (a .tar.gz, or a published folder packed once and cached
/// by its content); else the self-contained agent a release ships beside the orchestrator (agent/, see
/// scripts/release.sh); else, in the source tree, `dotnet publish src/Agent -c Release -r linux-x64 --self-contained`
/// once, cached the same way. The bundle's machine is read from its program's ELF header, so a host of another
/// architecture is refused before anything is uploaded to it.
/// </summary>
public sealed class AgentPackage(IOptions<BootstrapOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AgentBundle? _bundle;
    private string? _bundleSource;

    public async Task<AgentBundle> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var configured = options.Value.AgentPackage;
            var cache = System.IO.Path.GetFullPath(options.Value.PublishCache);
            var source = !string.IsNullOrWhiteSpace(configured) ? System.IO.Path.GetFullPath(configured)
                : ReleaseAgent is { } shipped ? shipped
                : await PublishAsync(cache, cancellationToken).ConfigureAwait(false);
            if (_bundle is not null && _bundleSource == source && File.Exists(_bundle.Path)) return _bundle;
            var bundle = File.Exists(source) ? await DescribeAsync(source, cancellationToken).ConfigureAwait(false)
                : Directory.Exists(source) ? await PackAsync(source, cache, cancellationToken).ConfigureAwait(false)
                : throw new BootstrapStepException($"bootstrap.agent_package {source} is neither a .tar.gz nor a folder");
            (_bundle, _bundleSource) = (bundle, source);
            return bundle;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// The agent a release ships in the orchestrator's own folder, when it is self-contained (a build host needs no
    /// .NET); the framework-dependent agent of a source build is for the demo on this machine only.
    /// </summary>
    public static string? ReleaseAgent
    {
        get
        {
            var folder = System.IO.Path.GetDirectoryName(Demo.CompanionPrograms.AgentDll)!;
            return File.Exists(System.IO.Path.Combine(folder, "libcoreclr.so")) && File.Exists(System.IO.Path.Combine(folder, AgentProgram)) ? folder : null;
        }
    }

    /// <summary>The agent's native program (its apphost): the file whose ELF header names the bundle's machine.</summary>
    public const string AgentProgram = "P4Flow.Agent";

    private static async Task<AgentBundle> PackAsync(string folder, string cache, CancellationToken cancellationToken)
    {
        if (!File.Exists(System.IO.Path.Combine(folder, "P4Flow.Agent.dll")))
            throw new BootstrapStepException($"{folder} holds no published agent (P4Flow.Agent.dll)");
        var key = ContentKey(folder);
        var bundle = System.IO.Path.Combine(cache, $"p4flow-agent-{key[..16]}.tar.gz");
        if (!File.Exists(bundle))
        {
            Directory.CreateDirectory(cache);
            var temp = bundle + ".tmp";
            await using (var file = File.Create(temp))
            await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
                await TarFile.CreateFromDirectoryAsync(folder, gzip, includeBaseDirectory: false, cancellationToken).ConfigureAwait(false);
            File.Move(temp, bundle, overwrite: true);
        }
        return await DescribeAsync(bundle, cancellationToken).ConfigureAwait(false);
    }

    // Names, sizes and modification times: a rebuilt agent gets a new bundle, an unchanged one is not packed again.
    private static string ContentKey(string folder)
    {
        var listing = string.Join('\n', Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => new FileInfo(f)).Select(f => $"{System.IO.Path.GetRelativePath(folder, f.FullName)}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(listing)));
    }

    private static async Task<AgentBundle> DescribeAsync(string path, CancellationToken cancellationToken)
    {
        string hash;
        long length;
        await using (var file = File.OpenRead(path))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
            length = file.Length;
        }
        return new AgentBundle(path, hash, length, await MachineOfAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The machine of the bundle's agent program, from its ELF header; null when it has none (a framework-dependent build).</summary>
    private static async Task<string?> MachineOfAsync(string bundle, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(bundle);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.Name.TrimStart('.', '/') != AgentProgram || entry.DataStream is null) continue;
                var header = new byte[20];
                await entry.DataStream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
                return ElfMachine(header);
            }
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new BootstrapStepException($"{bundle} is not a .tar.gz of a published agent: {ex.Message}", ex);
        }
    }

    /// <summary>e_machine (bytes 18-19, little-endian) of an ELF header as `uname -m` names it.</summary>
    internal static string? ElfMachine(ReadOnlySpan<byte> header) =>
        header.Length < 20 || !header[..4].SequenceEqual("\u007fELF"u8) ? null
        : (header[18] | (header[19] << 8)) switch
        {
            0x3E => "x86_64",
            0xB7 => "aarch64",
            var other => $"ELF machine 0x{other:x}",
        };

    private static async Task<string> PublishAsync(string cache, CancellationToken cancellationToken)
    {
        var project = System.IO.Path.GetFullPath(System.IO.Path.Combine("src", "Agent", "Agent.csproj"));
        var output = System.IO.Path.Combine(cache, "publish");
        if (File.Exists(System.IO.Path.Combine(output, "P4Flow.Agent.dll"))) return output;
        if (!File.Exists(project))
            throw new BootstrapStepException($"no agent build to upload: set bootstrap.agent_package to a published agent (or run from the source tree, where {project} is published)");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", output }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new BootstrapStepException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0) throw new BootstrapStepException($"dotnet publish of the agent failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}{await stdout.ConfigureAwait(false)}");
        return output;
    }
}
