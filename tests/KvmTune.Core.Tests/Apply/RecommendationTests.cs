using KvmTune.Core.Apply;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using static KvmTune.Core.Tests.Decisions.Synthetic;

namespace KvmTune.Core.Tests.Apply;

public class RecommendationTests
{
    private static readonly HostFacts Qemu72 = new() { QemuVersion = new Version(7, 2), LibvirtVersion = new Version(9, 0) };

    private static Decision Decide(params SubjectResult[] results) => Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

    [Fact]
    public void A_preallocated_raw_winner_becomes_nova_lines_a_driver_element_and_a_policy()
    {
        var d = Decide(
            QemuResult("raw-prealloc/none/native", "randread-4k-qd32", 100_000, 2_000),
            QemuResult("qcow2-sparse/writeback/threads", "randread-4k-qd32", 40_000, 2_000),
            QemuResult("loop/directsync/native", "randread-4k-qd32", 80_000, 2_000));

        var r = Recommendation.From(d, new RecommendationOptions(RunId: 7));

        Assert.Equal(
            "[DEFAULT]\npreallocate_images = space\n\n[libvirt]\ndisk_cachemodes = file=none,block=directsync\n" +
            "# read by nova once patched (kvmtune nova patch); stock nova ignores it. kvmtune apply reads the policy file, not nova.conf\n" +
            "disk_io_modes = file=native,block=native\nimages_type = raw\n",
            r.NovaConfSnippet());
        Assert.Equal("<driver name='qemu' type='raw' cache='none' io='native'/>", r.DriverElements["file"]);
        Assert.Equal("<driver name='qemu' type='raw' cache='directsync' io='native'/>", r.DriverElements["block"]);
        var policy = TuningPolicy.Parse(r.Policy.ToJson(), "policy.json");
        Assert.Equal(7, policy.FromRun);
        Assert.Equal(("none", "native"), (policy.Disks["file"].Cache, policy.Disks["file"].Io));
        Assert.Equal(("directsync", "native"), (policy.Disks["block"].Cache, policy.Disks["block"].Io));
        Assert.Equal("raw", policy.Nova["libvirt"]["images_type"]);
        Assert.False(policy.Nova["libvirt"].ContainsKey("disk_cachemodes"));
        Assert.Equal("space", policy.Nova["DEFAULT"]["preallocate_images"]);
        Assert.Null(policy.FlavorExtraSpecs);
        Assert.Equal(d.Rationale, policy.Rationale);
    }

    [Fact]
    public void A_sparse_qcow2_winner_keeps_preallocation_off()
    {
        var r = Recommendation.From(Decide(QemuResult("qcow2-sparse/none/threads", "randread-4k-qd32", 50_000, 2_000)));

        Assert.Contains(r.Nova, l => l is { Key: "images_type", Value: "qcow2" });
        Assert.Contains(r.Nova, l => l is { Section: "DEFAULT", Key: "preallocate_images", Value: "none" });
        Assert.DoesNotContain(r.Nova, l => l.Key == "images_volume_group");
    }

    [Fact]
    public void An_lvm_winner_names_the_volume_group()
    {
        var r = Recommendation.From(Decide(QemuResult("lvm/none/native", "randread-4k-qd32", 50_000, 2_000)), new RecommendationOptions(VolumeGroup: "vg0"));

        Assert.Contains(r.Nova, l => l is { Key: "images_type", Value: "lvm" });
        Assert.Contains(r.Nova, l => l is { Key: "images_volume_group", Value: "vg0" });
        Assert.Contains(r.Nova, l => l is { Key: "disk_cachemodes", Value: "block=none" });
    }

    [Fact]
    public void Vms_per_host_share_the_sustained_capacity_as_flavor_QoS()
    {
        // Given the winner at 80k IOPS in random reads, 60k in random writes (sustained) and 1000 MB/s sequential
        var d = Decide(
            QemuResult("raw-prealloc/none/native", "randread-4k-qd32", 80_000, 2_000),
            QemuResult("raw-prealloc/none/native", "randwrite-4k-qd32", 90_000, 2_000) with { BurstIops = 90_000, SustainedIops = 60_000 },
            QemuResult("raw-prealloc/none/native", "seqread-1m-qd8", 1_000, 20, blockSize: 1_000_000));

        var r = Recommendation.From(d, new RecommendationOptions(VmsPerHost: 8));

        // Then each of 8 VMs gets the smallest small-block figure and the large-block bandwidth, divided by 8
        Assert.Equal("7500", r.FlavorExtraSpecs["quota:disk_total_iops_sec"]);
        Assert.Equal("125000000", r.FlavorExtraSpecs["quota:disk_total_bytes_sec"]);
        Assert.Equal("7500", r.Policy.FlavorExtraSpecs!["quota:disk_total_iops_sec"]);
        Assert.Contains(r.Notes, n => n.Contains("randwrite-4k-qd32") && n.Contains("8 VMs"));
    }

    [Fact]
    public void Zero_vms_per_host_is_bad_input()
    {
        var d = Decide(QemuResult("raw-prealloc/none/native", "randread-4k-qd32", 80_000, 2_000));

        Assert.Equal("--vms-per-host: 0 is not a positive number of VMs",
            Assert.Throws<InputException>(() => Recommendation.From(d, new RecommendationOptions(VmsPerHost: 0))).Message);
    }

    [Fact]
    public void Nothing_rankable_recommends_nothing()
    {
        var r = Recommendation.From(Decide(GuestResult("raw-prealloc/none/native", "randread-4k-qd32", 1000, tcg: true)));

        Assert.Null(r.Winner);
        Assert.Empty(r.Nova);
        Assert.Empty(r.Policy.Disks);
    }

    [Fact]
    public void Nothing_rankable_says_so()
    {
        var r = Recommendation.From(Decide(GuestResult("raw-prealloc/none/native", "randread-4k-qd32", 1000, tcg: true)));

        Assert.Equal(["nothing to apply: no candidate was ranked within the constraints"], r.Notes);
        Assert.Empty(r.NovaConfSnippet());
    }

    [Fact]
    public void A_loop_device_winner_sets_block_modes_and_takes_the_image_type_from_the_best_file_backend()
    {
        // Given the loop device fastest overall and a metadata-preallocated qcow2 the best file backend
        var r = Recommendation.From(Decide(
            QemuResult("loop/none/native", "randread-4k-qd32", 150_000, 1_000),
            QemuResult("qcow2-metadata/none/threads", "randread-4k-qd32", 100_000, 1_000)));

        Assert.Equal(
            "[DEFAULT]\npreallocate_images = none\n\n[libvirt]\ndisk_cachemodes = file=none,block=none\n" +
            "# read by nova once patched (kvmtune nova patch); stock nova ignores it. kvmtune apply reads the policy file, not nova.conf\n" +
            "disk_io_modes = file=threads,block=native\nimages_type = qcow2\n",
            r.NovaConfSnippet());
        Assert.Contains("the overall winner is a block device (loop/none/native): nova puts instance disks on block devices with images_type = lvm " +
                        "(and images_volume_group), and Cinder volumes take disk_cachemodes block=…; images_type below follows the best file backend, qcow2-metadata/none/threads", r.Notes);
        Assert.Contains("preallocate_images stays none: nova's only preallocation, space, fallocates the whole image, while qcow2-metadata preallocated only the qcow2 metadata (nova has no setting for that)", r.Notes);
        Assert.Equal(["file", "block"], r.DriverElements.Keys);
    }

    [Fact]
    public void A_block_device_winner_alone_sets_no_image_type()
    {
        var r = Recommendation.From(Decide(QemuResult("loop/none/native", "randread-4k-qd32", 150_000, 1_000)));

        Assert.Equal(["disk_cachemodes", "disk_io_modes"], r.Nova.Select(l => l.Key));
        Assert.Contains(r.Notes, n => n.StartsWith("the overall winner is a block device (loop/none/native): ", StringComparison.Ordinal)
                                      && n.EndsWith("block=…", StringComparison.Ordinal));
    }

    [Fact]
    public void An_lvm_winner_without_a_volume_group_says_one_is_needed_and_turns_preallocation_off()
    {
        var r = Recommendation.From(Decide(QemuResult("lvm/none/native", "randread-4k-qd32", 50_000, 2_000)));

        Assert.Contains("images_type = lvm needs images_volume_group: set it to the volume group that was measured", r.Notes);
        Assert.Contains(r.Nova, l => l is { Section: "DEFAULT", Key: "preallocate_images", Value: "none" });
        Assert.Equal("none", r.Policy.Nova["DEFAULT"]["preallocate_images"]);
    }

    [Fact]
    public void Without_a_profile_of_a_block_size_the_flavor_quota_for_it_is_not_set_and_the_note_says_so()
    {
        var reads = Recommendation.From(Decide(QemuResult("raw-prealloc/none/native", "randread-4k-qd32", 80_000, 2_000)), new RecommendationOptions(VmsPerHost: 4));
        var sequential = Recommendation.From(Decide(QemuResult("raw-prealloc/none/native", "seqread-1m-qd8", 1_000, 20, blockSize: 1_000_000)), new RecommendationOptions(VmsPerHost: 4));

        Assert.Equal(["quota:disk_total_iops_sec"], reads.FlavorExtraSpecs.Keys);
        Assert.Contains("quota:disk_total_bytes_sec: no large-block profile (>= 64 KiB) was measured; not set", reads.Notes);
        Assert.Equal(["quota:disk_total_bytes_sec"], sequential.FlavorExtraSpecs.Keys);
        Assert.Equal("250000000", sequential.FlavorExtraSpecs["quota:disk_total_bytes_sec"]);
        Assert.Contains("quota:disk_total_iops_sec: no small-block profile was measured; not set", sequential.Notes);
        Assert.Contains("quota:disk_total_bytes_sec: 1k MB/s measured for raw-prealloc/none/native under seqread-1m-qd8 shared among 4 VMs", sequential.Notes);
    }

    [Fact]
    public void The_byte_quota_is_the_smallest_large_block_figure_scaled_to_the_sustained_one()
    {
        // Given sequential reads at 1000 MB/s and sequential writes at 800 MB/s in burst, 400 MB/s sustained
        var d = Decide(
            QemuResult("raw-prealloc/none/native", "seqread-1m-qd8", 1_000, 20, blockSize: 1_000_000),
            QemuResult("raw-prealloc/none/native", "seqwrite-1m-qd8", 800, 20, blockSize: 1_000_000) with { BurstIops = 800, SustainedIops = 400 });

        var r = Recommendation.From(d, new RecommendationOptions(VmsPerHost: 2));

        // Then the 400 MB/s sustained writes, halved
        Assert.Equal("200000000", r.FlavorExtraSpecs["quota:disk_total_bytes_sec"]);
    }
}
