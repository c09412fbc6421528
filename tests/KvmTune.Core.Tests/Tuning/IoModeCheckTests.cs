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

    [Fact]
    public void Each_outcome_reads_as_one_sentence_and_an_error_keeps_its_detail_as_a_fact()
    {
        var passed = new IoModeCheck(Backend.RawPrealloc, CacheMode.None, IoMode.IoUring, IoCheckOutcome.Passed, 0.0449);
        var error = new IoModeCheck(Backend.Lvm, CacheMode.Directsync, IoMode.Native, IoCheckOutcome.Error, 1.25, "Invalid argument");
        var wrong = new IoModeCheck(Backend.Loop, CacheMode.None, IoMode.Threads, IoCheckOutcome.WrongData, 0.5, "offset 4096");

        Assert.Equal("io='io_uring' with cache='none' on raw-prealloc: write, flush and read back passed in 0.04 s", passed.Sentence);
        Assert.Equal("io='native' with cache='directsync' on lvm: failed (Invalid argument)", error.Sentence);
        Assert.Equal("io='threads' with cache='none' on loop: the data read back differs from the data written (offset 4096)", wrong.Sentence);
        Assert.Equal(["passed", "error", "hang", "wrong-data"], new[] { IoCheckOutcome.Passed, IoCheckOutcome.Error, IoCheckOutcome.Hang, IoCheckOutcome.WrongData }.Select(IoModeCheck.Name));
        Assert.Equal(new KeyValuePair<string, string>("io_probe.lvm/directsync/native", "error 1.25 s: Invalid argument"), error.ToFact());
        Assert.Equal([error], IoModeCheck.FromFacts([error.ToFact()]));
    }

    [Theory]
    [InlineData("io_probe.lvm/none/native", "slow 1 s")]
    [InlineData("io_probe.lvm/none/native", "passed soon s")]
    [InlineData("io_probe.lvm/none/native", "passed")]
    [InlineData("io_probe.lvm/none", "passed 1 s")]
    [InlineData("io_probe.tape/none/native", "passed 1 s")]
    public void A_fact_that_is_not_a_check_is_ignored(string key, string value) =>
        Assert.Empty(IoModeCheck.FromFacts([new(key, value)]));
}
