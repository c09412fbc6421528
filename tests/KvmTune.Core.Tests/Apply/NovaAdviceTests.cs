using KvmTune.Core.Apply;
using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Tests.Apply;

public sealed class NovaAdviceTests
{
    private static DomainDocument Fixture(string name) =>
        DomainDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "apply", name)), name);

    [Fact]
    public void The_nova_conf_lines_come_from_the_policy_disk_settings_per_source_type()
    {
        var policy = TuningPolicy.Parse("""
            {"version":1,"disks":{"file":{"cache":"none","io":"native"},"block":{"cache":"none","io":"native"},"network":{"cache":"writeback"}}}
            """, "p.json");

        var advice = NovaAdvice.For(policy, Fixture("qemu-two-disks.xml"));

        Assert.Equal(
            ["[libvirt]", "disk_cachemodes = block=none,file=none,network=writeback", "disk_io_modes = block=native,file=native"],
            advice.ConfLines);
        Assert.Contains(advice.NotExpressible, m => m.StartsWith("io per source type", StringComparison.Ordinal));
        Assert.DoesNotContain(advice.NotExpressible, m => m.Contains("iothread", StringComparison.Ordinal));
    }

    [Fact]
    public void Nova_keys_written_by_the_advisor_win_and_iothread_binding_is_named_as_not_expressible()
    {
        // Given a policy whose nova section already has disk_cachemodes, and a domain with iothreads
        var policy = TuningPolicy.Parse("""
            {"version":1,"disks":{"file":{"cache":"none","discard":"unmap","detect_zeroes":"unmap"}},
             "nova":{"libvirt":{"disk_cachemodes":"file=none,block=none"},"DEFAULT":{"preallocate_images":"space"}}}
            """, "p.json");

        var advice = NovaAdvice.For(policy, Fixture("nova-mixed-disks.xml"));

        Assert.Equal(
            ["[DEFAULT]", "preallocate_images = space", "[libvirt]", "disk_cachemodes = file=none,block=none", "hw_disk_discard = unmap"],
            advice.ConfLines);
        Assert.Contains(advice.NotExpressible, m => m.StartsWith("iothread binding", StringComparison.Ordinal));
        Assert.Contains(advice.NotExpressible, m => m.StartsWith("detect_zeroes", StringComparison.Ordinal));
        Assert.DoesNotContain(advice.NotExpressible, m => m.StartsWith("io per source type", StringComparison.Ordinal));
    }

    private static DomainDocument Domain(string disks, string extra = "") =>
        DomainDocument.Parse($"<domain type='kvm'><name>d</name>{extra}<devices>{disks}</devices></domain>", "d.xml");

    private const string Plain = "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/i/a.img'/><target dev='vda' bus='virtio'/></disk>";

    [Fact]
    public void One_discard_for_every_source_type_is_nova_hw_disk_discard_and_two_are_not_expressible()
    {
        var one = NovaAdvice.For(TuningPolicy.Parse("""{"version":1,"disks":{"file":{"discard":"unmap"},"block":{"discard":"unmap"}}}""", "p.json"), Domain(Plain));
        var two = NovaAdvice.For(TuningPolicy.Parse("""{"version":1,"disks":{"file":{"discard":"unmap"},"block":{"discard":"ignore"}}}""", "p.json"), Domain(Plain));
        var ignore = NovaAdvice.For(TuningPolicy.Parse("""{"version":1,"disks":{"file":{"discard":"ignore"}}}""", "p.json"), Domain(Plain));

        Assert.Equal(["[libvirt]", "hw_disk_discard = unmap"], one.ConfLines);
        Assert.Empty(one.NotExpressible);
        Assert.Empty(two.ConfLines);
        Assert.Equal(["discard per source type: nova's hw_disk_discard is one value for every disk"], two.NotExpressible);
        Assert.Equal(["[libvirt]", "hw_disk_discard = ignore"], ignore.ConfLines);
    }

    [Fact]
    public void A_policy_with_nothing_nova_carries_gives_no_section_and_names_detect_zeroes()
    {
        var advice = NovaAdvice.For(TuningPolicy.Parse("""{"version":1,"disks":{"file":{"detect_zeroes":"on"}}}""", "p.json"), Domain(Plain));

        Assert.Empty(advice.ConfLines);
        Assert.Equal(["detect_zeroes: nova has no option for it"], advice.NotExpressible);
    }

    [Theory]
    [InlineData("<disk type='file' device='disk'><driver name='qemu' type='raw' iothread='1'/><source file='/i/a.img'/><target dev='vda' bus='virtio'/></disk>", "")]
    [InlineData(Plain, "<iothreads>2</iothreads>")]
    [InlineData("<disk type='file' device='disk'><driver name='qemu' type='raw'><iothreads><iothread id='1'/></iothreads></driver><source file='/i/a.img'/><target dev='vda' bus='virtio'/></disk>", "")]
    public void Any_iothread_binding_is_named_as_not_expressible(string disks, string extra)
    {
        var advice = NovaAdvice.For(TuningPolicy.Parse("""{"version":1,"disks":{"file":{"cache":"none"}}}""", "p.json"), Domain(disks, extra));

        Assert.Equal(["[libvirt]", "disk_cachemodes = file=none"], advice.ConfLines);
        Assert.Equal(["iothread binding (<iothreads>, driver iothread=…): nova cannot express it"], advice.NotExpressible);
    }

    [Fact]
    public void A_policy_without_io_modes_needs_no_nova_patch()
    {
        var advice = NovaAdvice.For(TuningPolicy.Parse("""{"version":1,"disks":{"file":{"cache":"none"},"block":{"cache":"none"}}}""", "p.json"), Domain(Plain));

        Assert.Equal(["[libvirt]", "disk_cachemodes = block=none,file=none"], advice.ConfLines);
        Assert.Empty(advice.NotExpressible);
    }
}
