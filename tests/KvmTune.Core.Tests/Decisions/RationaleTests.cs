using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using static KvmTune.Core.Tests.Decisions.Synthetic;

namespace KvmTune.Core.Tests.Decisions;

/// <summary>
/// What the rationale tells an operator about the winner (migration, flushes, sparse images, LVM), the ranking basis of
/// cached modes and the order of profiles: tests added where mutation testing found these lines unchecked.
/// </summary>
public class RationaleTests
{
    private const string RandRead = "randread-4k-qd32";
    private const string RandWrite = "randwrite-4k-qd32";

    private static IReadOnlyList<string> RationaleOf(string winner, HostFacts host, AdvisorConstraints? constraints = null) =>
        Advisor.Decide([QemuResult(winner, RandRead, 50_000, 2_000), QemuResult(winner, RandWrite, 40_000, 2_000)], host, constraints ?? AdvisorConstraints.Default).Rationale;

    [Fact]
    public void A_cached_winner_says_whether_it_live_migrates_with_this_hosts_QEMU()
    {
        var modern = RationaleOf("raw-prealloc/writeback/threads", new HostFacts { QemuVersion = new Version(7, 2) });
        var old = RationaleOf("raw-prealloc/writeback/threads", new HostFacts { QemuVersion = new Version(3, 1) });
        var unknown = RationaleOf("raw-prealloc/writeback/threads", HostFacts.Unknown);

        Assert.Contains("cache='writeback' uses the host page cache; it live-migrates safely here (QEMU 7.2 >= 4.0 drops the cache, KT011)", modern);
        Assert.Contains("cache='writeback' uses the host page cache and is not migration-safe with QEMU 3.1 (KT011); pass --migration to require it", old);
        Assert.Contains("cache='writeback' uses the host page cache: migration-safe only with QEMU >= 4.0 (KT011); pass --migration to require it", unknown);
        Assert.DoesNotContain(modern, l => l.Contains("bypasses the host page cache", StringComparison.Ordinal));
    }

    [Fact]
    public void A_direct_winner_live_migrates_on_any_QEMU_and_a_sync_winner_says_every_write_is_durable()
    {
        var none = RationaleOf("raw-prealloc/none/threads", HostFacts.Unknown);
        var directsync = RationaleOf("raw-prealloc/directsync/threads", HostFacts.Unknown);

        Assert.Contains("cache='none' bypasses the host page cache and live-migrates on any QEMU (KT011 does not apply)", none);
        Assert.DoesNotContain(none, l => l.Contains("uses the host page cache", StringComparison.Ordinal) || l.Contains("syncs every write", StringComparison.Ordinal));
        Assert.Contains(directsync, l => l.StartsWith("cache='directsync' syncs every write (", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unsafe_winner_is_only_possible_with_safety_any_and_says_so()
    {
        var any = RationaleOf("raw-prealloc/unsafe/threads", HostFacts.Unknown, AdvisorConstraints.Default with { Safety = SafetyLevel.Any });
        var flush = RationaleOf("raw-prealloc/unsafe/threads", HostFacts.Unknown);

        Assert.Contains("cache='unsafe' ignores guest flushes: data loss on host crash (KT010); chosen because --safety any", any);
        Assert.Contains("overall: no candidate was ranked in every weighted profile within the constraints", flush);
    }

    [Theory]
    [InlineData("raw-sparse/none/native", true)]
    [InlineData("qcow2-sparse/none/native", true)]
    [InlineData("raw-prealloc/none/native", false)]
    [InlineData("loop/none/native", false)]
    [InlineData("raw-sparse/none/io_uring", false)]
    public void Native_io_on_a_sparse_image_is_warned_about(string winner, bool warned)
    {
        var lines = RationaleOf(winner, HostFacts.Unknown);
        Assert.Equal(warned, lines.Any(l => l.StartsWith("io='native' on a sparse image can stall QEMU on filesystem metadata updates (KT020)", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("lvm/none/io_uring", true)]
    [InlineData("lvm/none/native", false)]
    [InlineData("loop/none/io_uring", false)]
    public void Io_uring_on_LVM_is_warned_about(string winner, bool warned)
    {
        var lines = RationaleOf(winner, HostFacts.Unknown);
        Assert.Equal(warned, lines.Contains("io='io_uring' on LVM has reported hangs (KT022)"));
    }

    [Fact]
    public void A_cached_mode_ranks_on_its_sustained_figure_with_the_interval_scaled_alike()
    {
        // Given a burst of 100k [90k–110k] and a sustained figure of 50k
        var result = QemuResultWithin("raw-prealloc/writeback/threads", RandRead, 100_000, 90_000, 110_000) with { SustainedIops = 50_000 };
        var plain = QemuResultWithin("raw-prealloc/none/threads", RandRead, 100_000, 90_000, 110_000);

        var basis = Advisor.Basis(result);

        // Then the basis is the sustained figure with the burst's relative interval; without one, the IOPS statistic
        Assert.Equal((50_000, 45_000, 55_000), (basis.Median, basis.CiLow, basis.CiHigh));
        Assert.Equal(plain.Iops, Advisor.Basis(plain));
        Assert.Equal(result.Iops, Advisor.Basis(result with { SustainedIops = 0 }));
    }

    [Fact]
    public void Measured_profiles_come_in_the_presets_order_then_others_as_they_appear()
    {
        IReadOnlyList<SubjectResult> results =
        [
            QemuResult("raw-prealloc/none/threads", "custom-b", 1, 0), QemuResult("raw-prealloc/none/threads", RandWrite, 1, 0),
            QemuResult("raw-prealloc/none/threads", "custom-a", 1, 0), QemuResult("raw-prealloc/none/threads", RandRead, 1, 0),
            QemuResult("raw-prealloc/none/native", RandRead, 1, 0),
        ];
        Assert.Equal([RandRead, RandWrite, "custom-b", "custom-a"], Advisor.MeasuredProfiles(results));
    }

    [Fact]
    public void A_long_list_of_excluded_candidates_names_four_and_counts_the_rest()
    {
        IReadOnlyList<SubjectResult> results =
        [
            .. new[] { "raw-prealloc", "raw-sparse", "qcow2-sparse", "qcow2-metadata", "loop", "qcow2-falloc" }
                .Select(b => QemuResult($"{b}/unsafe/threads", RandRead, 90_000, 1_000)),
            QemuResult("raw-prealloc/none/threads", RandRead, 50_000, 1_000),
        ];
        var lines = Advisor.Decide(results, HostFacts.Unknown, AdvisorConstraints.Default).Rationale;
        Assert.Contains(lines, l => l.EndsWith(": raw-prealloc/unsafe/threads, raw-sparse/unsafe/threads, qcow2-sparse/unsafe/threads, qcow2-metadata/unsafe/threads and 2 more", StringComparison.Ordinal));
    }
}
