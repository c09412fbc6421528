using KvmTune.Cli.Commands.Nova;
using KvmTune.Core.Apply;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Nova;
using KvmTune.Core.Rules;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Cli.Tests.Rendering;

public class AdvisorPolicyTests
{
    private static Statistic Stat(double median, double half) => new(median, median - half, median + half, half / median / 2, 5);

    [Fact]
    public void The_advisors_policy_file_is_what_nova_apply_writes_into_nova_conf()
    {
        // Given a decision with a preallocated raw file winner and a loop (block) winner
        SubjectResult[] results =
        [
            new(Engine.Qemu, S("raw-prealloc/none/native"), "randread-4k-qd32", Stat(100_000, 2_000), Stat(410, 8), null, null),
            new(Engine.Qemu, S("qcow2-sparse/writeback/threads"), "randread-4k-qd32", Stat(45_000, 2_000), Stat(184, 8), null, null),
            new(Engine.Qemu, S("loop/directsync/native"), "randread-4k-qd32", Stat(80_000, 2_000), Stat(328, 8), null, null),
        ];
        var decision = Advisor.Decide(results, new HostFacts { QemuVersion = new Version(7, 2) }, AdvisorConstraints.Default);
        var json = Recommendation.From(decision, new RecommendationOptions(RunId: 3)).Policy.ToJson();

        // When nova apply plans it over a nova.conf that sets other things
        var conf = NovaConf.Parse("[DEFAULT]\ndebug = true\n\n[libvirt]\nvirt_type = kvm\ndisk_cachemodes = network=writeback\n", "nova.conf");
        NovaApplyCommand.Plan(conf, TuningPolicy.Parse(json, "policy.json"));

        // Then nova.conf carries the advisor's lines, and unrelated entries stay
        var text = conf.ToText();
        Assert.Contains("images_type = raw", text);
        Assert.Contains("preallocate_images = space", text);
        Assert.Contains("debug = true", text);
        Assert.Equal("raw", conf.ImagesType);
        Assert.Equal("space", conf.PreallocateImages);
        var cachemodes = conf.Option("libvirt", "disk_cachemodes")!.Value;
        Assert.Contains("file=none", cachemodes);
        Assert.Contains("block=directsync", cachemodes);
        Assert.Contains("network=writeback", cachemodes);
        Assert.Contains("file=native", conf.Option("libvirt", "disk_io_modes")!.Value);
    }
}
