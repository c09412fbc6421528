using System.Diagnostics;
using System.Text.Json.Nodes;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Tests.Rules;

/// <summary>
/// Integration: the <c>-blockdev</c> options explain implies are handed to the real QEMU (<c>-machine none</c>,
/// paused, on a scratch file this test creates), which either reports exactly those cache flags over QMP or refuses
/// the combination libvirt and QEMU refuse (aio=native without cache.direct=on).
/// </summary>
public sealed class ImpliedOptionsQemuTests : IDisposable
{
    private readonly string _image = Path.Combine(Path.GetTempPath(), $"kvmtune-implied-{Guid.NewGuid():N}.raw");

    public ImpliedOptionsQemuTests()
    {
        using var f = File.Create(_image);
        f.SetLength(16 << 20);
    }

    public void Dispose() => File.Delete(_image);

    public static TheoryData<string?, string?> CacheAndIo()
    {
        var data = new TheoryData<string?, string?>();
        foreach (var cache in new[] { null, "none", "writeback", "writethrough", "directsync", "unsafe" })
        {
            foreach (var io in new[] { null, "threads", "native", "io_uring" })
            {
                data.Add(cache, io);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CacheAndIo))]
    public async Task Qemu_opens_the_implied_blockdev_with_exactly_the_implied_cache_flags(string? cache, string? io)
    {
        // Given a file disk with this cache and io, explained
        var attrs = (cache is null ? "" : $" cache='{cache}'") + (io is null ? "" : $" io='{io}'");
        var doc = DomainDocument.Parse($"<domain type='kvm'><name>t</name><devices><disk type='file' device='disk'><driver name='qemu' type='raw'{attrs}/><source file='{_image}'/><target dev='vda' bus='virtio'/></disk></devices></domain>");
        var explained = DiskExplainer.Explain(doc, HostFacts.Unknown).Disks.Single();
        var implied = explained.Qemu;

        // When QEMU gets the protocol and format nodes the way libvirt writes them
        var cacheJson = explained.CacheIsDefault ? "" : $",\"cache\":{{\"direct\":{Bool(implied.CacheDirect)},\"no-flush\":{Bool(implied.CacheNoFlush)}}}";
        var aioJson = implied.Aio is null ? "" : $",\"aio\":\"{implied.Aio}\"";
        var protocol = $"{{\"driver\":\"file\",\"filename\":\"{_image}\"{aioJson},\"node-name\":\"kt-storage\"{cacheJson}}}";
        var format = $"{{\"node-name\":\"kt-format\",\"read-only\":false{cacheJson},\"driver\":\"raw\",\"file\":\"kt-storage\"}}";
        var (exit, stdout, stderr) = await RunQemu(protocol, format);

        // Then QEMU refuses exactly the combinations libvirt refuses, and otherwise reports the implied flags
        var canStart = explained.EffectiveCache is not { } mode || IoModes.Parse(io) is not { } ioMode || ioMode.CanStartWith(mode);
        if (!canStart)
        {
            Assert.NotEqual(0, exit);
            Assert.Contains("aio=native was specified, but it requires cache.direct=on", stderr, StringComparison.Ordinal);
            return;
        }
        Assert.True(exit == 0, $"qemu exit {exit}: {stderr}");
        var nodes = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!)
            .Select(j => j["return"])
            .OfType<JsonArray>()
            .Single();
        foreach (var name in new[] { "kt-storage", "kt-format" })
        {
            var node = nodes.Single(n => (string?)n!["node-name"] == name)!;
            Assert.Equal(implied.CacheDirect, (bool)node["cache"]!["direct"]!);
            Assert.Equal(implied.CacheNoFlush, (bool)node["cache"]!["no-flush"]!);
        }
    }

    private static string Bool(bool b) => b ? "true" : "false";

    private static async Task<(int Exit, string Stdout, string Stderr)> RunQemu(params string[] blockdevs)
    {
        var psi = new ProcessStartInfo("qemu-system-x86_64")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-machine", "none", "-nodefaults", "-display", "none", "-S", "-qmp", "stdio" })
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var b in blockdevs)
        {
            psi.ArgumentList.Add("-blockdev");
            psi.ArgumentList.Add(b);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("qemu-system-x86_64 did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.StandardInput.WriteAsync("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"query-named-block-nodes\"}\n{\"execute\":\"quit\"}\n");
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // QEMU refused the options and exited before reading its input.
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
