using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Tests.Engines;

/// <summary>
/// The cache and aio options the qemu engine passes to qemu-img mean what libvirt generates for the same disk:
/// <c>virsh domxml-to-native qemu-argv</c> (libvirtd running) gives cache.direct / cache.no-flush / aio on the file
/// -blockdev and write-cache on the -device.
/// </summary>
public class DomxmlToNativeAgreementTests
{
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var cache in CacheModes.All)
        {
            foreach (var io in IoModes.All.Where(io => io.CanStartWith(cache)))
            {
                data.Add(cache.ToLibvirt(), io.ToLibvirt());
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Qemu_engine_options_agree_with_libvirts_command_line(string cache, string io)
    {
        // Given the qemu engine's arguments for the candidate
        var candidate = new Candidate(Backend.RawPrealloc, CacheModes.Parse(cache)!.Value, IoModes.Parse(io)!.Value);
        var args = QemuImgBenchArguments.ForCandidate(new MeasureTarget("/var/tmp/x.raw", "raw", false, "/var/tmp/x.raw"), candidate, WorkloadProfile.RandRead4kQd32, false, 10, 1L << 30).ToList();
        var t = args[args.IndexOf("-t") + 1];
        var i = args[args.IndexOf("-i") + 1];
        var (direct, noFlush, writeCache) = QemuImgBenchArguments.QemuCacheOptions(t);

        // When libvirt translates a disk with the same driver attributes
        var name = $"kvmtune-argv-{Guid.NewGuid():N}"[..24];
        var xmlPath = Path.Combine(Path.GetTempPath(), name + ".xml");
        await File.WriteAllTextAsync(xmlPath, $"""
            <domain type='qemu'>
              <name>{name}</name>
              <memory unit='MiB'>64</memory>
              <os><type arch='x86_64' machine='pc'>hvm</type></os>
              <devices>
                <emulator>/usr/bin/qemu-system-x86_64</emulator>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='raw' cache='{cache}' io='{io}'/>
                  <source file='/var/tmp/{name}.raw'/>
                  <target dev='vda' bus='virtio'/>
                </disk>
              </devices>
            </domain>
            """);
        BufferedCommandResult result;
        try
        {
            result = await Cli.Wrap("virsh").WithArguments(["-c", "qemu:///system", "domxml-to-native", "qemu-argv", "--xml", xmlPath])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        }
        finally
        {
            File.Delete(xmlPath);
        }
        Assert.True(result.ExitCode == 0, result.StandardError);
        var (fileNode, device) = Parse(result.StandardOutput);

        // Then both mean the same thing
        Assert.Equal(direct, fileNode.GetProperty("cache").GetProperty("direct").GetBoolean());
        Assert.Equal(noFlush, fileNode.GetProperty("cache").GetProperty("no-flush").GetBoolean());
        Assert.Equal(i, fileNode.GetProperty("aio").GetString());
        Assert.Equal(writeCache ? "on" : "off", device.GetProperty("write-cache").GetString());
    }

    private static (JsonElement File, JsonElement Device) Parse(string argv)
    {
        JsonElement? file = null, device = null;
        foreach (var token in argv.Split(' '))
        {
            var json = token.Trim().Trim('\'');
            if (!json.StartsWith('{'))
            {
                continue;
            }
            var element = JsonDocument.Parse(json).RootElement.Clone();
            var driver = element.TryGetProperty("driver", out var d) ? d.GetString() : null;
            if (driver == "file")
            {
                file = element;
            }
            else if (driver == "virtio-blk-pci")
            {
                device = element;
            }
        }
        Assert.NotNull(file);
        Assert.NotNull(device);
        return (file.Value, device.Value);
    }
}
