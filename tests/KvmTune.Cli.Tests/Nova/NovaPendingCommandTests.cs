using System.Text.Json;
using KvmTune.Cli.Tests.Commands;
using KvmTune.Core.Serialization;
using KvmTune.Services.Nova;

namespace KvmTune.Cli.Tests.Nova;

/// <summary><c>kvmtune nova pending</c> on nova-style domains (nova's metadata, UUID, disks under instances_path/UUID) in the real libvirtd.</summary>
public sealed class NovaPendingCommandTests : IDisposable
{
    private const string Uri = TestDomain.SystemUri;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string NovaMetadata(string name) =>
        $"<nova:instance xmlns:nova=\"http://openstack.org/xmlns/libvirt/nova/1.1\"><nova:package version=\"26.2.2\"/><nova:name>{name}</nova:name></nova:instance>";

    private static TestDomain NovaDomain(string uuid, params TestDomain.DiskSpec[] disks) =>
        TestDomain.Define(disks, NovaMetadata("web01"), uuid: uuid);

    private static async Task<(int Code, NovaPendingReport Report)> Pending(params string[] args)
    {
        var run = await CliRun.RunAsync(["nova", "pending", "--connect", Uri, "--format", "json", .. args]);
        Assert.True(run.ExitCode is 0 or 1, run.Error + run.Console);
        JsonKeys.AssertSnakeCase(run.Out, "nova pending");
        return (run.ExitCode, JsonSerializer.Deserialize<NovaPendingReport>(run.Out, JsonConvention.Options)!);
    }

    [Fact]
    public async Task A_nova_domain_whose_disks_differ_from_what_nova_conf_generates_is_listed_with_its_uuid_and_changes()
    {
        // Given a nova instance whose qcow2 disk was generated with cache='none' and an unrelated domain
        var uuid = Guid.NewGuid().ToString();
        using var instance = NovaDomain(uuid, new TestDomain.DiskSpec("vda", "qcow2", "cache='none'"));
        using var other = TestDomain.Define([new TestDomain.DiskSpec("vda", "qcow2")]);
        // When nova.conf now gives file disks cache='writeback'
        var conf = _dir.Write("nova.conf", $"[DEFAULT]\ninstances_path = {instance.Directory}\n[libvirt]\ndisk_cachemodes = file=writeback\n");

        var (code, report) = await Pending("--conf", conf, "--patched", "no");

        // Then the instance is pending with the change, and the other domain is not a nova instance
        Assert.Equal(1, code);
        var pending = Assert.Single(report.Pending, i => i.Uuid == uuid);
        Assert.Equal(instance.Name, pending.Domain);
        Assert.Equal("web01", pending.Name);
        var vda = Assert.Single(pending.Disks);
        Assert.Equal("image:qcow2", vda.Expected!.Case);
        Assert.Equal(["cache: 'none' → 'writeback'"], vda.Changes);
        Assert.DoesNotContain(report.Instances, i => i.Domain == other.Name);
        Assert.False(report.DiskIoModesHonoured);
    }

    [Fact]
    public async Task A_nova_domain_that_matches_nova_conf_is_not_pending_and_the_table_says_so()
    {
        var uuid = Guid.NewGuid().ToString();
        using var instance = NovaDomain(uuid, new TestDomain.DiskSpec("vda", "qcow2", "cache='none'"), new TestDomain.DiskSpec("vdb", "raw", "cache='none'"));
        var conf = _dir.Write("nova.conf", $"[DEFAULT]\ninstances_path = {instance.Directory}\n");

        var (_, report) = await Pending("--conf", conf, "--patched", "no");
        var table = await CliRun.RunAsync(["nova", "pending", "--connect", Uri, "--conf", conf, "--patched", "no"]);

        var mine = Assert.Single(report.Instances, i => i.Uuid == uuid);
        Assert.False(mine.NeedsHardReboot);
        Assert.Equal(["image:qcow2", "image:flat"], mine.Disks.Select(d => d.Expected!.Case));
        Assert.DoesNotContain(uuid, table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_patch_disk_io_modes_makes_the_io_differ_and_the_table_prints_the_hard_reboot()
    {
        var uuid = Guid.NewGuid().ToString();
        using var instance = NovaDomain(uuid, new TestDomain.DiskSpec("vda", "qcow2", "cache='none'"));
        var conf = _dir.Write("nova.conf", $"[DEFAULT]\ninstances_path = {instance.Directory}\n[libvirt]\ndisk_io_modes = file=io_uring\n");

        var (_, stock) = await Pending("--conf", conf, "--patched", "no");
        var (_, patched) = await Pending("--conf", conf, "--patched", "yes");
        var table = await CliRun.RunAsync(["nova", "pending", "--connect", Uri, "--conf", conf, "--patched", "yes"]);

        Assert.False(Assert.Single(stock.Instances, i => i.Uuid == uuid).NeedsHardReboot);
        Assert.Equal(["io: (none) → 'io_uring'"], Assert.Single(Assert.Single(patched.Pending, i => i.Uuid == uuid).Disks).Changes);
        Assert.Equal(1, table.ExitCode);
        Assert.Contains($"openstack server reboot --hard {uuid}\n", table.Out, StringComparison.Ordinal);
        Assert.Contains("disk_io_modes read by nova (--patched yes)", table.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_instance_whose_definition_already_changed_is_pending_until_qemu_restarts()
    {
        // Given a running nova instance started with cache='writeback'
        var uuid = Guid.NewGuid().ToString();
        using var instance = NovaDomain(uuid, new TestDomain.DiskSpec("vda", "qcow2", "cache='writeback'"));
        using var conn = TestDomain.Connect();
        using var dom = conn.LookupByName(instance.Name);
        dom.Start();
        // When its persistent definition already says what nova.conf gives (cache='none')
        using (conn.DefineXml(dom.PersistentXml.Replace("cache='writeback'", "cache='none'", StringComparison.Ordinal)))
        {
        }
        var conf = _dir.Write("nova.conf", $"[DEFAULT]\ninstances_path = {instance.Directory}\n");

        var (_, report) = await Pending("--conf", conf, "--patched", "no");

        // Then the XML matches but the running QEMU does not: a hard reboot is still needed
        var mine = Assert.Single(report.Pending, i => i.Uuid == uuid);
        var vda = Assert.Single(mine.Disks);
        Assert.Empty(vda.Changes);
        Assert.Contains(vda.RunningChanges, c => c.StartsWith("QEMU runs cache.direct=off", StringComparison.Ordinal));
        Assert.True(mine.Running);
    }
}
