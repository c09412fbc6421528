using KvmTune.Core.Decisions;
using KvmTune.Core.Fleet;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;
using static KvmTune.Core.Tests.Decisions.Synthetic;

namespace KvmTune.Core.Tests.Decisions;

public sealed class FleetDecisionTests
{
    private const string RandRead = "randread-4k-qd32";

    private static Candidate C(string id) => Subject.Of(new Candidate(
        Backends.Parse(id.Split('/')[0])!.Value, CacheModes.Parse(id.Split('/')[1])!.Value, IoModes.Parse(id.Split('/')[2])!.Value)).Value;

    // Blocks that record what they were given: the pooling's arithmetic is KvmTune.Statistics' (tested there).
    private static BlockStatistics Recording(List<IReadOnlyList<IReadOnlyList<(int Round, double Value)>>> seen) => new(
        units =>
        {
            seen.Add(units);
            return units.SelectMany(u => u.Select(x => x.Round)).Distinct().ToDictionary(r => r, _ => 0.0);
        },
        (values, _) => [.. values.Select(v => v.Value)],
        units => [.. units.Select(u => Stat(u.Order().ElementAt(u.Count / 2), 1))]);

    [Fact]
    public void One_host_s_results_are_the_group_s_results_unchanged()
    {
        IReadOnlyList<SubjectResult> host = [QemuResult("raw-prealloc/none/native", RandRead, 1000, 20)];

        var pooled = FleetDecision.Pool([host], Recording([]));

        Assert.Same(host, pooled);
    }

    [Fact]
    public void Hosts_are_the_rounds_of_each_candidate_s_block()
    {
        // Given two hosts that measured the same two candidates
        var seen = new List<IReadOnlyList<IReadOnlyList<(int Round, double Value)>>>();
        IReadOnlyList<SubjectResult> a = [QemuResult("raw-prealloc/none/native", RandRead, 1000, 20), QemuResult("qcow2-sparse/none/native", RandRead, 500, 20)];
        IReadOnlyList<SubjectResult> b = [QemuResult("raw-prealloc/none/native", RandRead, 3000, 20), QemuResult("qcow2-sparse/none/native", RandRead, 1500, 20)];

        var pooled = FleetDecision.Pool([a, b], Recording(seen));

        // Then each candidate is one unit with one value per host (host = round), and the pooled result is the block's
        var units = Assert.Single(seen);
        Assert.Equal([(0, 1000.0), (1, 3000.0)], units[0]);
        Assert.Equal([(0, 500.0), (1, 1500.0)], units[1]);
        Assert.Equal([3000.0, 1500.0], pooled.Select(r => r.Iops.Median));
        Assert.All(pooled, r => Assert.Null(r.Sustained));
    }

    [Fact]
    public void A_candidate_skipped_on_every_host_stays_skipped()
    {
        var skipped = QemuResult("raw-prealloc/writeback/native", RandRead, 0, 0) with { SkippedCode = "KT001", Iops = new Statistic(0, 0, 0, 0, 0) };
        IReadOnlyList<SubjectResult> a = [QemuResult("raw-prealloc/none/native", RandRead, 1000, 20), skipped];
        IReadOnlyList<SubjectResult> b = [QemuResult("raw-prealloc/none/native", RandRead, 1100, 20), skipped];

        var pooled = FleetDecision.Pool([a, b], Recording([]));

        Assert.Equal("KT001", pooled.Single(r => r.Candidate!.Cache == CacheMode.Writeback).SkippedCode);
    }

    [Fact]
    public void A_host_whose_own_winner_is_clearly_faster_disagrees_with_its_ratio_and_interval()
    {
        // Given a host where qcow2-sparse is twice as fast as the group's raw-prealloc, with narrow intervals
        var decision = Advisor.Decide(
            [QemuResult("raw-prealloc/none/native", RandRead, 1000, 10), QemuResult("qcow2-sparse/none/native", RandRead, 2000, 10)],
            HostFacts.Unknown, AdvisorConstraints.Default);

        var comparison = FleetDecision.Compare(decision, C("raw-prealloc/none/native"));

        Assert.Equal(C("qcow2-sparse/none/native"), comparison.HostWinner);
        Assert.True(comparison.Disagrees);
        Assert.True(comparison.Significant);
        Assert.Equal(2.0, comparison.HostOverGroup!.Ratio, 3);
        Assert.InRange(comparison.HostOverGroup.Low, 1.9, 2.0);
        Assert.InRange(comparison.HostOverGroup.High, 2.0, 2.1);
    }

    [Fact]
    public void A_host_that_agrees_has_no_ratio()
    {
        var decision = Advisor.Decide([QemuResult("raw-prealloc/none/native", RandRead, 1000, 10)], HostFacts.Unknown, AdvisorConstraints.Default);

        var comparison = FleetDecision.Compare(decision, C("raw-prealloc/none/native"));

        Assert.False(comparison.Disagrees);
        Assert.Null(comparison.HostOverGroup);
    }

    [Fact]
    public void Drift_is_a_setting_whose_cache_or_io_differs_from_the_decision()
    {
        var state = new HostState(
        [
            new SettingInForce("nova", "image:raw", "none", "native"),
            new SettingInForce("libvirt", "vm1/vda", "writeback", "threads"),
            new SettingInForce("libvirt", "vm2/vda", "none", "io_uring"),
            new SettingInForce("libvirt", "vm3/vda", null, null),
        ], 0, 0, [], []);

        var drift = FleetDecision.Drift(state, C("raw-prealloc/none/native"));

        Assert.Equal(["vm1/vda", "vm2/vda"], drift.Select(d => d.Where));
    }

    [Fact]
    public void A_host_is_stale_without_a_run_newer_than_the_limit()
    {
        var now = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

        Assert.True(FleetDecision.IsStale(null, now, TimeSpan.FromDays(30)));
        Assert.True(FleetDecision.IsStale(now.AddDays(-31), now, TimeSpan.FromDays(30)));
        Assert.False(FleetDecision.IsStale(now.AddDays(-29), now, TimeSpan.FromDays(30)));
    }

    [Fact]
    public void The_fingerprint_hash_is_stable_and_changes_with_any_part()
    {
        var a = new StorageFingerprint("Samsung SSD 980", "no", "ext4", "6.1.0-40-amd64", "7.2.22", "9.0.0");

        Assert.Equal("model=Samsung SSD 980;rotational=no;fs=ext4;kernel=6.1.0-40-amd64;qemu=7.2.22;libvirt=9.0.0", a.Text);
        Assert.Equal(12, a.Hash.Length);
        Assert.Equal(a.Hash, StorageFingerprint.FromFacts(new HostIdentity("h", "m", a).ToFacts()).Hash);
        Assert.NotEqual(a.Hash, (a with { FileSystem = "xfs" }).Hash);
    }

    private const string RandWrite = "randwrite-4k-qd32";

    [Fact]
    public void Each_profile_is_pooled_on_its_own()
    {
        var seen = new List<IReadOnlyList<IReadOnlyList<(int Round, double Value)>>>();
        IReadOnlyList<SubjectResult> a = [QemuResult("raw-prealloc/none/native", RandRead, 1000, 20), QemuResult("raw-prealloc/none/native", RandWrite, 400, 20)];
        IReadOnlyList<SubjectResult> b = [QemuResult("raw-prealloc/none/native", RandRead, 3000, 20), QemuResult("raw-prealloc/none/native", RandWrite, 600, 20)];

        var pooled = FleetDecision.Pool([a, b], Recording(seen));

        Assert.Equal(2, seen.Count);
        Assert.Equal([(0, 1000.0), (1, 3000.0)], Assert.Single(seen[0]));
        Assert.Equal([(0, 400.0), (1, 600.0)], Assert.Single(seen[1]));
        Assert.Equal([(RandRead, 3000.0), (RandWrite, 600.0)], pooled.Select(r => (r.Profile, r.Iops.Median)));
    }

    [Fact]
    public void A_candidate_skipped_on_the_first_host_only_is_pooled_from_the_hosts_that_measured_it()
    {
        var skipped = QemuResult("raw-prealloc/none/native", RandRead, 0, 0) with { SkippedCode = "KT001", Iops = new Statistic(0, 0, 0, 0, 0) };
        var seen = new List<IReadOnlyList<IReadOnlyList<(int Round, double Value)>>>();

        var pooled = FleetDecision.Pool([[skipped], [QemuResult("raw-prealloc/none/native", RandRead, 2000, 20)]], Recording(seen));

        var r = Assert.Single(pooled);
        Assert.Null(r.SkippedCode);
        Assert.Equal(2000, r.Iops.Median);
        Assert.Equal([(1, 2000.0)], Assert.Single(Assert.Single(seen)));
    }

    [Fact]
    public void Functional_only_guest_figures_are_never_pooled()
    {
        // Given the guest engine under TCG on both hosts (a functional check, its figures mean nothing)
        var pooled = FleetDecision.Pool(
            [[GuestResult("raw-prealloc/none/native", RandRead, 5_000, tcg: true)], [GuestResult("raw-prealloc/none/native", RandRead, 7_000, tcg: true)]],
            Recording([]));

        // Then the first host's result comes back as it is, still functional only
        var r = Assert.Single(pooled);
        Assert.True(r.FunctionalOnly);
        Assert.Equal(5_000, r.Iops.Median);
    }

    [Fact]
    public void A_result_without_a_median_on_one_host_is_not_a_round()
    {
        var seen = new List<IReadOnlyList<IReadOnlyList<(int Round, double Value)>>>();
        var empty = QemuResult("raw-prealloc/none/native", RandRead, 0, 0) with { Iops = new Statistic(0, 0, 0, 0, 0) };

        FleetDecision.Pool([[empty], [QemuResult("raw-prealloc/none/native", RandRead, 2000, 20)]], Recording(seen));

        Assert.Equal([(1, 2000.0)], Assert.Single(Assert.Single(seen)));
    }

    [Fact]
    public void Throughput_is_scaled_with_the_pooled_IOPS()
    {
        // Given 1000 IOPS (4.096 MB/s) on the first host and 3000 on the second: the pooled median is 3000
        var first = QemuResult("raw-prealloc/none/native", RandRead, 1000, 20);

        var pooled = Assert.Single(FleetDecision.Pool([[first], [QemuResult("raw-prealloc/none/native", RandRead, 3000, 20)]], Recording([])));

        // Then MB/s is the first host's scaled by 3000 / 1000, its interval too
        Assert.Equal(3 * first.MBps.Median, pooled.MBps.Median, 9);
        Assert.Equal(3 * first.MBps.CiLow, pooled.MBps.CiLow, 9);
        Assert.Equal(3 * first.MBps.CiHigh, pooled.MBps.CiHigh, 9);
    }

    [Theory]
    [InlineData(new[] { true, true, false }, true)]
    [InlineData(new[] { true, false }, false)]
    [InlineData(new[] { false, false, true }, false)]
    public void A_pooled_candidate_is_harness_bound_when_it_was_on_most_hosts(bool[] bound, bool pooledBound)
    {
        IReadOnlyList<IReadOnlyList<SubjectResult>> hosts = [.. bound.Select(b => (IReadOnlyList<SubjectResult>)[QemuResult("raw-prealloc/unsafe/threads", RandRead, 900_000, 2_000) with { HarnessBound = b }])];

        Assert.Equal(pooledBound, Assert.Single(FleetDecision.Pool(hosts, Recording([]))).HarnessBound);
    }

    [Fact]
    public void A_host_compares_its_winner_with_the_groups_only_in_the_profiles_where_both_were_ranked()
    {
        // Given a host where the group's winner was measured in reads only, at half the speed of the host's winner
        var decision = Advisor.Decide(
        [
            QemuResult("qcow2-sparse/none/native", RandRead, 2000, 10), QemuResult("raw-prealloc/none/native", RandRead, 1000, 10),
            QemuResult("qcow2-sparse/none/native", RandWrite, 1000, 10),
        ], HostFacts.Unknown, AdvisorConstraints.Default);

        var comparison = FleetDecision.Compare(decision, C("raw-prealloc/none/native"));

        Assert.Equal(C("qcow2-sparse/none/native"), comparison.HostWinner);
        Assert.Equal(2.0, comparison.HostOverGroup!.Ratio, 3);
    }

    [Fact]
    public void A_host_that_never_ranked_the_groups_winner_disagrees_without_a_ratio()
    {
        var decision = Advisor.Decide([QemuResult("qcow2-sparse/none/native", RandRead, 2000, 10)], HostFacts.Unknown, AdvisorConstraints.Default);

        var comparison = FleetDecision.Compare(decision, C("raw-prealloc/none/native"));

        Assert.Equal(C("qcow2-sparse/none/native"), comparison.HostWinner);
        Assert.Null(comparison.HostOverGroup);
        Assert.False(comparison.Significant);
        Assert.False(comparison.Disagrees);
    }

    [Fact]
    public void A_run_exactly_as_old_as_the_limit_is_not_stale()
    {
        var now = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

        Assert.False(FleetDecision.IsStale(now.AddDays(-30), now, TimeSpan.FromDays(30)));
    }
}
