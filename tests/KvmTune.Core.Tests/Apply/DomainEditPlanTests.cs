using KvmTune.Core.Apply;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Apply;

/// <summary>Edit plans over persistent XML recorded from libvirt 9.0 (virsh dumpxml --inactive).</summary>
public sealed class DomainEditPlanTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "apply", name));

    private static TuningPolicy Policy(string json) => TuningPolicy.Parse(json, "policy.json");

    [Fact]
    public void A_file_policy_sets_cache_and_io_on_every_file_disk_that_differs()
    {
        // Given vda without cache/io and vdb already cache='none' io='native'
        var xml = Fixture("qemu-two-disks.xml");

        // When a file policy cache='none' io='native' is planned
        var plan = DomainEditPlan.Create(xml, "dom", Policy("""{"version":1,"disks":{"file":{"cache":"none","io":"native"}}}"""), HostFacts.Unknown);

        // Then only vda changes, and the document views show the new values
        Assert.Equal(
            ["vda: cache unset → cache='none'", "vda: io unset → io='native'"],
            plan.Edits.Select(e => e.ToString()));
        Assert.True(plan.HasChanges);
        Assert.False(plan.IsRefused);
        var vda = plan.Document.Disks.Single(d => d.TargetDev == "vda");
        Assert.Equal("none", vda.Driver.Cache);
        Assert.Equal("native", vda.Driver.Io);
        Assert.Equal("qcow2", vda.Driver.Format);
        Assert.Equal(xml, plan.OriginalXml);
    }

    [Fact]
    public void A_policy_the_domain_already_has_plans_nothing_and_keeps_the_text()
    {
        var xml = Fixture("qemu-two-disks.xml");
        var plan = DomainEditPlan.Create(xml, "dom", Policy("""{"version":1,"disks":{"block":{"cache":"none"}}}"""), HostFacts.Unknown);

        Assert.False(plan.HasChanges);
        Assert.Equal(xml, plan.EditedXml);
        Assert.All(plan.Skipped, s => Assert.Contains("no settings for type='file'", s.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Native_io_with_a_cache_that_is_not_direct_is_refused_as_KT001()
    {
        // Given a policy that keeps the host page cache but asks for native AIO
        var plan = DomainEditPlan.Create(Fixture("qemu-two-disks.xml"), "dom",
            Policy("""{"version":1,"disks":{"file":{"cache":"writeback","io":"native"}}}"""), HostFacts.Unknown);

        // Then both disks are refused: QEMU cannot start aio=native without cache.direct=on
        Assert.True(plan.IsRefused);
        Assert.Equal(["vda", "vdb"], plan.Refusals.Where(f => f.Code == "KT001").Select(f => f.Disk));
        Assert.All(plan.Refusals, f => Assert.Equal(Severity.Error, f.Severity));
        Assert.Contains("cache='writeback'", plan.Refusals[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Native_io_on_a_disk_without_a_cache_attribute_is_refused_because_qemu_defaults_to_writeback()
    {
        var plan = DomainEditPlan.Create(Fixture("qemu-two-disks.xml"), "dom",
            Policy("""{"version":1,"disks":{"file":{"io":"native"}}}"""), HostFacts.Unknown);

        var refusal = Assert.Single(plan.Refusals, f => f.Code == "KT001");
        Assert.Equal("vda", refusal.Disk);
        Assert.Contains("no cache attribute", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_discard_value_libvirt_does_not_know_is_refused_as_KT002()
    {
        var plan = DomainEditPlan.Create(Fixture("qemu-two-disks.xml"), "dom",
            Policy("""{"version":1,"disks":{"file":{"discard":"trim"}}}"""), HostFacts.Unknown);

        Assert.Contains(plan.Refusals, f => f.Code == "KT002" && f.Disk == "vda" && f.Message.Contains("discard='trim'", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_source_type_gets_its_own_settings_and_removable_media_are_left_alone()
    {
        // Given a nova domain with a file, a block, a network disk and a cdrom
        var xml = Fixture("nova-mixed-disks.xml");
        var policy = Policy("""
            {"version":1,"disks":{
              "file":{"cache":"none","io":"native"},
              "block":{"cache":"none","io":"io_uring"},
              "network":{"cache":"writeback"}}}
            """);

        var plan = DomainEditPlan.Create(xml, "dom", policy, HostFacts.Unknown);

        Assert.Equal(
            ["vda: cache='writeback' → cache='none'", "vda: io unset → io='native'", "vdb: io='native' → io='io_uring'", "vdc: cache unset → cache='writeback'"],
            plan.Edits.Select(e => e.ToString()));
        Assert.Equal(["file", "file", "block", "network"], plan.Edits.Select(e => e.SourceType));
        var skipped = Assert.Single(plan.Skipped);
        Assert.Equal("sda", skipped.Disk);
        Assert.Contains("device='cdrom'", skipped.Reason, StringComparison.Ordinal);
        Assert.True(plan.Document.IsNovaManaged);
        // Untouched attributes stay
        Assert.Equal("unmap", plan.Document.Disks[0].Driver.Discard);
        Assert.Equal("1", plan.Document.Disks[0].Driver.IoThread);
    }

    [Fact]
    public void Verify_accepts_the_asked_values_and_names_each_difference()
    {
        var plan = DomainEditPlan.Create(Fixture("qemu-two-disks.xml"), "dom",
            Policy("""{"version":1,"disks":{"file":{"cache":"none","io":"native"}}}"""), HostFacts.Unknown);
        var good = Fixture("qemu-two-disks.xml").Replace("type='qcow2'/>", "type='qcow2' cache='none' io='native'/>", StringComparison.Ordinal);
        var partial = Fixture("qemu-two-disks.xml").Replace("type='qcow2'/>", "type='qcow2' cache='none'/>", StringComparison.Ordinal);

        Assert.Empty(plan.Verify(DomainDocument.Parse(good)));
        Assert.Equal(["vda: io unset after defineXML, io='native' asked"], plan.Verify(DomainDocument.Parse(partial)));
    }

    private const string TwoDisks = """
        <domain type='kvm'>
          <name>dom</name>
          <uuid>6e3d1cf8-1b44-4a37-9d7e-2f3b2f5f0a11</uuid>
          <devices>
            <disk type='file' device='disk'><driver name='qemu' type='raw' cache='writeback' io='native'/><source file='/i/a.img'/><target dev='vda' bus='virtio'/></disk>
            <disk type='file' device='disk'><driver name='qemu' type='raw' cache='none' discard='trim'/><source file='/i/b.img'/><target dev='vdb' bus='virtio'/></disk>
            <disk type='volume' device='disk'><driver name='qemu' type='raw'/><source pool='p' volume='v'/><target dev='vdc' bus='virtio'/></disk>
            <disk type='block' device='lun'><driver name='qemu' type='raw'/><source dev='/dev/sdb'/><target dev='sda' bus='scsi'/></disk>
          </devices>
        </domain>
        """;

    [Fact]
    public void A_disk_that_already_cannot_start_is_refused_when_the_policy_edits_it_and_an_untouched_one_is_left_to_its_owner()
    {
        // Given vda already refused by libvirt (native AIO with writeback) and vdb with an unknown discard value; the
        // policy sets detect_zeroes on vda only (vdb has it already)
        var xml = TwoDisks.Replace("cache='none' discard='trim'", "cache='none' discard='trim' detect_zeroes='on'", StringComparison.Ordinal);

        var plan = DomainEditPlan.Create(xml, "dom", Policy("""{"version":1,"disks":{"file":{"detect_zeroes":"on"}}}"""), HostFacts.Unknown);

        // Then the edited vda is refused (apply never writes a definition that cannot start), naming why and the fix; the
        // unknown value on the untouched vdb was there before and is not this apply's to refuse
        Assert.Equal(["vda: detect_zeroes unset → detect_zeroes='on'"], plan.Edits.Select(e => e.ToString()));
        var refusal = Assert.Single(plan.Refusals);
        Assert.Equal(("KT001", "vda"), (refusal.Code, refusal.Disk));
        Assert.Equal("io='native' with cache='writeback': libvirt and QEMU refuse to start it (native AIO requires cache='none' or 'directsync')", refusal.Message);
        Assert.Equal("set cache='none' for this source type in the policy, or io='threads'", refusal.Fix);
    }

    [Fact]
    public void An_edited_disk_keeping_an_unknown_value_is_refused_naming_the_values_libvirt_knows()
    {
        var plan = DomainEditPlan.Create(TwoDisks, "dom", Policy("""{"version":1,"disks":{"file":{"cache":"none","io":"threads"}}}"""), HostFacts.Unknown);

        var refusal = Assert.Single(plan.Refusals);
        Assert.Equal(("KT002", "vdb"), (refusal.Code, refusal.Disk));
        Assert.Equal("discard='trim' is not a value libvirt knows (expected one of default, unmap, ignore)", refusal.Message);
    }

    [Fact]
    public void A_lun_is_tuned_like_a_disk_and_a_pool_volume_is_skipped_saying_why()
    {
        var plan = DomainEditPlan.Create(TwoDisks, "dom", Policy("""{"version":1,"disks":{"block":{"cache":"none","io":"native"},"file":{"io":"threads"}}}"""), HostFacts.Unknown);

        Assert.Contains("sda: cache unset → cache='none'", plan.Edits.Select(e => e.ToString()));
        var volume = Assert.Single(plan.Skipped);
        Assert.Equal(("vdc", "type='volume': the policy covers file, block and network sources"), (volume.Disk, volume.Reason));
        Assert.Equal(plan.Document.ToXml(), plan.EditedXml);
        Assert.NotEqual(TwoDisks, plan.EditedXml);
    }

    [Fact]
    public void Verify_names_a_disk_missing_after_define_and_a_value_that_differs()
    {
        var plan = DomainEditPlan.Create(TwoDisks, "dom", Policy("""{"version":1,"disks":{"block":{"cache":"none"},"file":{"io":"threads"}}}"""), HostFacts.Unknown);
        var readBack = TwoDisks.Replace("<target dev='sda' bus='scsi'/>", "<target dev='sdb' bus='scsi'/>", StringComparison.Ordinal);

        Assert.Equal(
            ["vda: io='native' after defineXML, io='threads' asked", "vdb: io unset after defineXML, io='threads' asked", "sda: disk missing after defineXML"],
            plan.Verify(DomainDocument.Parse(readBack)));
    }
}
