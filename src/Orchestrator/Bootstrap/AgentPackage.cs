using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>The agent build a bootstrap uploads: a .tar.gz of a published agent, and its SHA-256.</summary>
public sealed record AgentBundle(string Path, string Sha256, long Length);

/// <summary>
/// Finds or makes the agent bundle: bootstrap.agent_package (a .tar.gz, or a published folder packed once and cached
/// by its content), else `dotnet publish src/Agent -c Release -r linux-x64 --self-contained` once, cached the same way.
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
            var source = string.IsNullOrWhiteSpace(configured) ? await PublishAsync(cache, cancellationToken).ConfigureAwait(false) : System.IO.Path.GetFullPath(configured);
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
        await using var file = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
        return new AgentBundle(path, Convert.ToHexStringLower(hash), file.Length);
    }

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
