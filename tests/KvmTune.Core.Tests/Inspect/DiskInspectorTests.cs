using KvmTune.Core.Inspect;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Inspect;

/// <summary>
/// Drift between persistent XML, live XML and QEMU, on definitions recorded from libvirt 9.0 / QEMU 7.2: the domain
/// started with vda unset and vdb cache='none' io='native', then was redefined with vda cache='none' io='native' and
/// vdb cache='writeback' io='threads' while running.
/// </summary>
public sealed class DiskInspectorTests
{
    private static DomainDocument Fixture(string name) =>
        DomainDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "inspect", name)), name);

    // What the recorded QEMU command line (drift-qemu.cmdline) gives each disk: vda plain file node (cache.direct off,
    // aio unset = threads, no write-cache = on); vdb "cache":{"direct":true,"no-flush":false}, "aio":"native".
    private static QemuDiskSettings? RecordedQemu(Disk disk) => disk.TargetDev switch
    {
        "vda" => new QemuDiskSettings(false, false, true, "threads", "cache.direct=off cache.no-flush=off aio=threads"),
        "vdb" => new QemuDiskSettings(true, false, true, "native", "cache.direct=on cache.no-flush=off aio=native"),
        _ => null,
    };

    [Fact]
    public void A_domain_redefined_while_running_shows_drift_against_the_live_xml_and_qemu()
    {
        var disks = DiskInspector.Inspect(Fixture("drift-persistent.xml"), Fixture("drift-live.xml"), RecordedQemu, HostFacts.Unknown);

        var vda = disks.Single(d => d.Disk == "vda");
        Assert.Equal(new DriverSettings("none", "native", null, null), vda.Persistent);
        Assert.Equal(new DriverSettings(null, null, null, null), vda.Live);
        Assert.Contains("persistent cache='none' but QEMU runs cache.direct=off: cold restart needed", vda.Drift);
        Assert.Contains("persistent io='native' but QEMU runs aio=threads: cold restart needed", vda.Drift);
        Assert.Contains("persistent cache='none' but the live definition has no cache attribute: cold restart needed", vda.Drift);
        Assert.True(vda.NeedsColdRestart);

        var vdb = disks.Single(d => d.Disk == "vdb");
        Assert.Contains("persistent cache='writeback' but QEMU runs cache.direct=on: cold restart needed", vdb.Drift);
        Assert.Contains("persistent io='threads' but QEMU runs aio=native: cold restart needed", vdb.Drift);
    }

    [Fact]
    public void The_recorded_qemu_command_line_gives_each_live_disk_its_effective_settings()
    {
        // Given QEMU 7.2's /proc/PID/cmdline for the live definition
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "inspect", "drift-qemu.cmdline"));
        var commandLine = KvmTune.Core.Qemu.QemuCommandLine.ParseProcCmdline(bytes, "drift-qemu.cmdline");
        var live = Fixture("drift-live.xml");

        // When each live disk is looked up in it
        var settings = live.Disks.Select(d => QemuDiskSettings.From(commandLine, d)).ToList();

        // Then they are what the hand-read values say
        Assert.Equal(RecordedQemu(live.Disks[0])! with { Options = settings[0]!.Options }, settings[0]);
        Assert.Equal(RecordedQemu(live.Disks[1])! with { Options = settings[1]!.Options }, settings[1]);
        Assert.Equal("cache.direct=on cache.no-flush=off aio=native write-cache=on", settings[1]!.Options);
    }

    [Fact]
    public void Inspecting_with_the_recorded_command_line_flags_the_drift_of_the_redefined_disks()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "inspect", "drift-qemu.cmdline"));
        var commandLine = KvmTune.Core.Qemu.QemuCommandLine.ParseProcCmdline(bytes, "drift-qemu.cmdline");

        var disks = DiskInspector.Inspect(Fixture("drift-persistent.xml"), Fixture("drift-live.xml"), d => QemuDiskSettings.From(commandLine, d), HostFacts.Unknown);

        Assert.Contains("persistent cache='none' but QEMU runs cache.direct=off: cold restart needed", disks[0].Drift);
        Assert.Contains("persistent cache='writeback' but QEMU runs cache.direct=on: cold restart needed", disks[1].Drift);
    }

    [Fact]
    public void A_domain_running_its_persistent_definition_has_no_drift()
    {
        // Given the live definition compared with itself and QEMU as recorded
        var live = Fixture("drift-live.xml");

        var disks = DiskInspector.Inspect(live, live, RecordedQemu, HostFacts.Unknown);

        Assert.All(disks, d => Assert.Empty(d.Drift));
        Assert.All(disks, d => Assert.False(d.NeedsColdRestart));
    }

    [Fact]
    public void Writethrough_expects_no_write_cache_and_unsafe_expects_no_flush()
    {
        var xml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "inspect", "drift-live.xml"))
            .Replace("type='qcow2'/>", "type='qcow2' cache='writethrough'/>", StringComparison.Ordinal)
            .Replace("cache='none' io='native'/>", "cache='unsafe'/>", StringComparison.Ordinal);
        var doc = DomainDocument.Parse(xml);

        var disks = DiskInspector.Inspect(doc, doc, RecordedQemu, HostFacts.Unknown);

        Assert.Contains("persistent cache='writethrough' but QEMU runs write-cache=on: cold restart needed", disks[0].Drift);
        Assert.Contains("persistent cache='unsafe' but QEMU runs cache.no-flush=off: cold restart needed", disks[1].Drift);
        Assert.Contains("persistent cache='unsafe' but QEMU runs cache.direct=on: cold restart needed", disks[1].Drift);
    }
}
