using System.Text.Json;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Guest;

namespace KvmTune.Host.Tests.Guest;

public sealed partial class MicroVmTests
{
    private static MicroVmSpec Spec(CacheMode cache, IoMode io, bool block = false, string format = "qcow2") => new(
        "kvmtune-guest-test",
        "/var/cache/vmlinuz",
        "/var/cache/initrd.img",
        MicroVmSpec.DefaultCommandLine,
        new MeasureTarget(block ? "/dev/loop7" : "/tmp/scratch/disk.img", format, block, "/tmp/scratch/disk.img"),
        cache,
        io,
        GuestAccelerator.Tcg,
        512,
        1,
        "/tmp/run/console.log");

    [Fact]
    public void Domain_xml_boots_the_kernel_directly_with_the_candidate_disk_and_a_serial_log()
    {
        // Given a candidate with cache none and aio native on a file
        var xml = LibvirtMicroVm.DomainXml(Spec(CacheMode.None, IoMode.Native));

        // When KvmTune's own domain model reads the XML
        var domain = DomainDocument.Parse(xml, "micro-VM");
        var disk = domain.Disks.Single();

        // Then the disk is what nova would write, and the domain boots kernel+initrd and destroys itself on power-off
        Assert.Equal(("file", "vda", "virtio"), (disk.Type, disk.TargetDev, disk.TargetBus));
        Assert.Equal(("qemu", "qcow2", "none", "native"), (disk.Driver.Name, disk.Driver.Format, disk.Driver.Cache, disk.Driver.Io));
        Assert.Equal("/tmp/scratch/disk.img", disk.Source.File);
        Assert.Contains("<kernel>/var/cache/vmlinuz</kernel>", xml, StringComparison.Ordinal);
        Assert.Contains("<initrd>/var/cache/initrd.img</initrd>", xml, StringComparison.Ordinal);
        Assert.Contains("<cmdline>console=ttyS0 quiet panic=-1 no_timer_check</cmdline>", xml, StringComparison.Ordinal);
        Assert.Contains("<source path=\"/tmp/run/console.log\" />", xml, StringComparison.Ordinal);
        Assert.Contains("<on_poweroff>destroy</on_poweroff>", xml, StringComparison.Ordinal);
        Assert.StartsWith("<domain type=\"qemu\">", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_device_is_a_block_disk_and_kvm_makes_a_kvm_domain()
    {
        var spec = Spec(CacheMode.Directsync, IoMode.IoUring, block: true, format: "raw") with { Accelerator = GuestAccelerator.Kvm };
        var disk = DomainDocument.Parse(LibvirtMicroVm.DomainXml(spec)).Disks.Single();
        Assert.Equal(("block", "/dev/loop7"), (disk.Type, disk.Source.Dev));
        Assert.StartsWith("<domain type=\"kvm\">", LibvirtMicroVm.DomainXml(spec), StringComparison.Ordinal);
        Assert.Contains("-blockdev", QemuMicroVm.Arguments(spec));
        Assert.Contains(QemuMicroVm.Arguments(spec), a => a.StartsWith("driver=host_device,filename=/dev/loop7,", StringComparison.Ordinal));
        Assert.Contains("pc,accel=kvm", QemuMicroVm.Arguments(spec));
    }

    [Fact]
    public void A_comma_in_the_image_path_is_doubled_for_qemus_option_parser()
    {
        var spec = Spec(CacheMode.None, IoMode.Threads) with { Disk = new MeasureTarget("/tmp/a,b.img", "raw", false, "/tmp/a,b.img") };
        Assert.Contains(QemuMicroVm.Arguments(spec), a => a.StartsWith("driver=file,filename=/tmp/a,,b.img,node-name=", StringComparison.Ordinal));
    }

    public static TheoryData<CacheMode, IoMode> Candidates()
    {
        var data = new TheoryData<CacheMode, IoMode>();
        foreach (var cache in CacheModes.All)
        {
            foreach (var io in IoModes.All.Where(io => io.CanStartWith(cache)))
            {
                data.Add(cache, io);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Candidates))]
    public async Task Plain_qemu_opens_the_disk_exactly_as_libvirt_would(CacheMode cache, IoMode io)
    {
        // Given a candidate
        var spec = Spec(cache, io);

        // When libvirt translates the domain XML to QEMU arguments, and KvmTune builds its own
        var native = await Cli.Wrap("virsh").WithArguments(["-c", "qemu:///system", "domxml-to-native", "qemu-argv", "/dev/stdin"])
            .WithStandardInputPipe(PipeSource.FromString(LibvirtMicroVm.DomainXml(spec)))
            .ExecuteBufferedAsync();
        var jsons = JsonArgument().Matches(native.StandardOutput).Select(m => JsonDocument.Parse(m.Groups[1].Value).RootElement).ToList();
        var storage = jsons.Single(j => j.TryGetProperty("node-name", out var n) && n.GetString()!.EndsWith("-storage", StringComparison.Ordinal));
        var format = jsons.Single(j => j.TryGetProperty("node-name", out var n) && n.GetString()!.EndsWith("-format", StringComparison.Ordinal));
        var device = jsons.Single(j => j.TryGetProperty("driver", out var d) && d.GetString() == "virtio-blk-pci");
        var ours = QemuMicroVm.Arguments(spec);
        var ourStorage = Options(ours[ours.ToList().IndexOf("-blockdev") + 1]);
        var ourFormat = Options(ours[ours.ToList().LastIndexOf("-blockdev") + 1]);
        var ourDevice = Options(ours[ours.ToList().IndexOf("-device") + 1]);

        // Then aio, cache.direct, cache.no-flush (on both nodes) and the device's write cache agree
        string OnOff(JsonElement e) => e.GetBoolean() ? "on" : "off";
        Assert.Equal(storage.GetProperty("aio").GetString(), ourStorage["aio"]);
        Assert.Equal(OnOff(storage.GetProperty("cache").GetProperty("direct")), ourStorage["cache.direct"]);
        Assert.Equal(OnOff(storage.GetProperty("cache").GetProperty("no-flush")), ourStorage["cache.no-flush"]);
        Assert.Equal(OnOff(format.GetProperty("cache").GetProperty("direct")), ourFormat["cache.direct"]);
        Assert.Equal(OnOff(format.GetProperty("cache").GetProperty("no-flush")), ourFormat["cache.no-flush"]);
        Assert.Equal(format.GetProperty("driver").GetString(), ourFormat["driver"]);
        Assert.Equal(device.GetProperty("write-cache").GetString(), ourDevice["write-cache"]);
    }

    private static Dictionary<string, string> Options(string argument) =>
        argument.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);

    [GeneratedRegex(@"'(\{[^']*\})'")]
    private static partial Regex JsonArgument();
}
