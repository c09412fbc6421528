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
}
