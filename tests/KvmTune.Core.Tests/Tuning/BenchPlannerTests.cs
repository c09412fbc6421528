using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Tests.Tuning;

public class BenchPlannerTests
{
    [Fact]
    public void Quick_matrix_has_every_valid_cache_aio_pair_on_four_backends_and_skips_native_with_host_cache()
    {
        var plan = BenchPlanner.Plan(BenchRequest.Quick);

        // 5 cache × 3 aio = 15 pairs, of which native with writeback/writethrough/unsafe cannot start
        Assert.Equal(4 * 12, plan.Candidates.Count);
        Assert.Equal(4 * 3, plan.Skipped.Count);
        Assert.All(plan.Skipped, c => Assert.Equal(("KT001", IoMode.Native), (c.CannotStartCode, c.Io)));
        Assert.Contains(plan.Candidates, c => c.Id == "raw-prealloc/none/native");
        Assert.Contains(plan.Candidates, c => c.Id == "loop/unsafe/io_uring");
        // Host: 4 backends × 2 profiles; qemu: 48 candidates × 2 profiles
        Assert.Equal(8 + 96, plan.MeasurementsPerRound);
    }

    [Fact]
    public void What_the_constraints_can_never_recommend_is_not_measured_unless_its_cache_mode_was_named()
    {
        // Given the quick matrix and the default constraints (--safety flush excludes unsafe, KT010)
        (string Code, string Reason)? Exclusion(Candidate c) =>
            KvmTune.Core.Decisions.Advisor.Exclusion(c, KvmTune.Core.Decisions.AdvisorConstraints.Default, KvmTune.Core.Rules.HostFacts.Unknown);

        var quick = BenchPlanner.WithinConstraints(BenchPlanner.Plan(BenchRequest.Quick), Exclusion);
        var named = BenchPlanner.WithinConstraints(BenchPlanner.Plan(BenchRequest.Quick with { Caches = [CacheMode.None, CacheMode.Unsafe] }), Exclusion);

        // Then the quick plan leaves out unsafe/threads and unsafe/io_uring on each backend, saying why; named, unsafe is measured
        Assert.Equal(40, quick.Candidates.Count);
        Assert.Equal(8, quick.OutsideConstraints.Count);
        Assert.All(quick.OutsideConstraints, o => Assert.Equal((CacheMode.Unsafe, "KT010"), (o.Candidate.Cache, o.Code)));
        Assert.DoesNotContain(quick.Candidates, c => c.Cache == CacheMode.Unsafe);
        Assert.Contains(named.Candidates, c => c.Id == "raw-prealloc/unsafe/threads");
        Assert.Empty(named.OutsideConstraints);
    }

    [Fact]
    public void An_explicit_request_that_cannot_start_at_all_is_bad_input_naming_KT001()
    {
        var request = BenchRequest.Quick with { Caches = [CacheMode.Writeback], Ios = [IoMode.Native] };
        var e = Assert.Throws<InputException>(() => BenchPlanner.Plan(request));
        Assert.StartsWith("KT001", e.Message, StringComparison.Ordinal);
        Assert.Contains("cache='writeback'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_request_with_some_startable_pairs_shows_the_others_as_skipped()
    {
        var request = BenchRequest.Quick with { Backends = [Backend.RawPrealloc], Caches = [CacheMode.None, CacheMode.Writeback], Ios = [IoMode.Native] };
        var plan = BenchPlanner.Plan(request);
        Assert.Equal(["raw-prealloc/none/native"], plan.Candidates.Select(c => c.Id));
        Assert.Equal(["raw-prealloc/writeback/native"], plan.Skipped.Select(c => c.Id));
    }

    [Fact]
    public void Host_engine_alone_needs_no_startable_candidate()
    {
        var request = BenchRequest.Quick with { Engines = [Engine.Host], Caches = [CacheMode.Writeback], Ios = [IoMode.Native] };
        var plan = BenchPlanner.Plan(request);
        Assert.Empty(plan.Candidates);
        Assert.Equal(4 * 2, plan.MeasurementsPerRound);
    }

    [Fact]
    public void A_request_without_an_engine_a_backend_or_a_profile_is_bad_input()
    {
        foreach (var request in new[]
                 {
                     BenchRequest.Quick with { Engines = [] },
                     BenchRequest.Quick with { Backends = [] },
                     BenchRequest.Quick with { Profiles = [] },
                 })
        {
            Assert.Equal("bench needs at least one engine, one backend and one profile", Assert.Throws<InputException>(() => BenchPlanner.Plan(request)).Message);
        }
    }

    [Fact]
    public void Qcow2_options_asked_for_raw_backends_only_are_bad_input()
    {
        var request = BenchRequest.Quick with { Backends = [Backend.RawPrealloc, Backend.Loop], Options = [new ImageOptions { ExtendedL2 = true }] };

        var e = Assert.Throws<InputException>(() => BenchPlanner.Plan(request));

        Assert.StartsWith("bench: the image options asked for apply to none of the backends", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_named_cache_and_a_named_aio_together_make_an_impossible_request_bad_input()
    {
        // --aio native alone (every cache mode): the pairs with a host cache are skipped, the others run
        var plan = BenchPlanner.Plan(BenchRequest.Quick with { Backends = [Backend.RawPrealloc], Ios = [IoMode.Native] });

        Assert.Equal(["raw-prealloc/directsync/native", "raw-prealloc/none/native"], plan.Candidates.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, plan.Skipped.Count);
    }

    [Fact]
    public void The_qcow2_grid_crosses_cluster_size_extended_l2_and_l2_cache_and_leaves_the_default_cluster_unset()
    {
        var grid = BenchRequest.Qcow2Grid([64 << 10, 2 << 20]);

        Assert.Equal(
        [
            "", "l2_cache=whole", "extended_l2=on", "extended_l2=on,l2_cache=whole",
            "cluster_size=2M", "cluster_size=2M,l2_cache=whole", "cluster_size=2M,extended_l2=on", "cluster_size=2M,extended_l2=on,l2_cache=whole",
        ], grid.Select(o => o.Text));
    }

    [Fact]
    public void The_discard_grid_starts_with_the_default_and_varies_what_was_given()
    {
        Assert.Equal(["", "discard=unmap", "discard=ignore"], BenchRequest.DiscardGrid([DiscardSetting.Unmap, DiscardSetting.Ignore], []).Select(o => o.Text));
        Assert.Equal(["", "detect_zeroes=on"], BenchRequest.DiscardGrid([], [DetectZeroesSetting.On]).Select(o => o.Text));
        Assert.Equal(["", "discard=unmap,detect_zeroes=unmap"], BenchRequest.DiscardGrid([DiscardSetting.Unmap], [DetectZeroesSetting.Unmap]).Select(o => o.Text));
    }

    [Fact]
    public void Constraints_that_exclude_nothing_leave_the_plan_as_it_is()
    {
        var plan = BenchPlanner.Plan(BenchRequest.Quick);

        Assert.Same(plan, BenchPlanner.WithinConstraints(plan, _ => null));
        var some = BenchPlanner.WithinConstraints(plan, c => c.Backend == Backend.Loop && c.Cache == CacheMode.None ? ("x", "y") : null);
        Assert.Equal(plan.Candidates.Count - 3, some.Candidates.Count);
        Assert.DoesNotContain(some.Candidates, c => c.Backend == Backend.Loop && c.Cache == CacheMode.None);
    }
}
