using KvmTune.Core.Tuning;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Core.Tests.Tuning;

public class IoModeCheckTests
{
    [Fact]
    public void A_check_is_stored_as_a_host_fact_and_read_back()
    {
        IoModeCheck[] checks =
        [
            new(Backend.Loop, CacheMode.Writeback, IoMode.IoUring, IoCheckOutcome.Passed, 0.042),
            new(Backend.Lvm, CacheMode.None, IoMode.IoUring, IoCheckOutcome.Hang, 20),
            new(Backend.RawPrealloc, CacheMode.None, IoMode.Native, IoCheckOutcome.WrongData, 0.1, "Pattern verification failed at offset 0, 65536 bytes"),
        ];

        var facts = checks.Select(c => c.ToFact()).ToList();

        Assert.Equal("io_probe.loop/writeback/io_uring", facts[0].Key);
        Assert.Equal("passed 0.042 s", facts[0].Value);
        Assert.Equal(checks, IoModeCheck.FromFacts([new("kernel.version", "6.1"), .. facts]));
    }

    [Fact]
    public void The_planner_excludes_what_the_probe_saw_fail_with_the_measured_reason()
    {
        var plan = BenchPlanner.Plan(BenchRequest.Quick with { Backends = [Backend.Loop, Backend.RawPrealloc], Caches = [CacheMode.None, CacheMode.Writeback], Ios = [IoMode.IoUring, IoMode.Native] });
        var hang = new IoModeCheck(Backend.Loop, CacheMode.Writeback, IoMode.IoUring, IoCheckOutcome.Hang, 20);
        var passed = new IoModeCheck(Backend.Loop, CacheMode.None, IoMode.IoUring, IoCheckOutcome.Passed, 0.05);

        var excluded = BenchPlanner.Exclude(plan, [hang, passed]);

        Assert.DoesNotContain(C("loop/writeback/io_uring"), excluded.Candidates);
        Assert.Contains(C("loop/none/io_uring"), excluded.Candidates);
        Assert.Contains(C("raw-prealloc/writeback/io_uring"), excluded.Candidates);
        var (candidate, check) = Assert.Single(excluded.Excluded);
        Assert.Equal((C("loop/writeback/io_uring"), hang), (candidate, check));
        Assert.Equal("io='io_uring' with cache='writeback' on loop: no answer within 20 s (hang)", check.Sentence);
        Assert.Same(plan, BenchPlanner.Exclude(plan, [passed]));
    }
}
