using KvmTune.Core.Decisions;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Core.Tests.Decisions;

public class TieBreakerTests
{
    // Among equivalent candidates, the winner is the first in preference order, and the sentence says why.
    private static (Core.Tuning.Candidate Winner, string? Reason) Break(IReadOnlyList<Core.Tuning.Candidate> tie, Func<Core.Tuning.Candidate, double> median)
    {
        var winner = TieBreaker.InPreferenceOrder(tie, c => c, median).First();
        return (winner, TieBreaker.Explain(tie, winner, median, Equivalence.DefaultMargin));
    }

    [Fact]
    public void Safety_comes_first_whatever_the_medians()
    {
        var (winner, reason) = Break(Cs("raw-prealloc/none/native", "raw-prealloc/directsync/native"), c => c.Id.Contains("none", StringComparison.Ordinal) ? 120 : 100);

        Assert.Equal(C("raw-prealloc/directsync/native"), winner);
        Assert.EndsWith("safer: cache='directsync' before cache='none'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Fewer_non_default_settings_come_before_the_higher_median()
    {
        var (winner, reason) = Break(Cs("qcow2-sparse/none/native", "raw-sparse/none/threads"), c => c.Id.StartsWith("qcow2", StringComparison.Ordinal) ? 120 : 100);

        Assert.Equal(C("raw-sparse/none/threads"), winner);
        Assert.Contains("equally safe and simpler", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(90.0, 110.0)]
    [InlineData(110.0, 90.0)]
    public void Native_comes_before_io_uring_whichever_median_is_higher(double native, double ioUring)
    {
        // Given two equally safe and simple candidates that differ only in native versus io_uring
        var (winner, reason) = Break(Cs("raw-prealloc/directsync/io_uring", "raw-prealloc/directsync/native"), c => c.Id.EndsWith("native", StringComparison.Ordinal) ? native : ioUring);

        // Then the choice does not depend on which median the noise put ahead
        Assert.Equal(C("raw-prealloc/directsync/native"), winner);
        Assert.EndsWith("equally safe and simple: io='native' before io='io_uring' (the older interface: what nova and KubeVirt use for O_DIRECT disks; io_uring has reported hangs in some stacks, KT022)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Threads_comes_before_native_at_equal_simplicity()
    {
        // raw-prealloc/none/native (preallocation, native) and loop/none/threads (a preallocated block device): two
        // settings each, both raw
        var (winner, reason) = Break(Cs("raw-prealloc/none/native", "loop/none/threads"), c => c.Id.StartsWith("raw", StringComparison.Ordinal) ? 120 : 100);

        Assert.Equal(C("loop/none/threads"), winner);
        Assert.Contains("io='threads' before io='native'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_safety_simplicity_format_and_io_fall_back_to_the_higher_median()
    {
        // qcow2-sparse and qcow2-metadata with the same cache and io: the same settings count, both qcow2
        var (winner, reason) = Break(Cs("qcow2-sparse/none/native", "qcow2-metadata/none/native"), c => c.Id.StartsWith("qcow2-metadata", StringComparison.Ordinal) ? 120 : 100);

        Assert.Equal(C("qcow2-metadata/none/native"), winner);
        Assert.EndsWith("equally safe and simple: the higher median", reason, StringComparison.Ordinal);
    }
}
