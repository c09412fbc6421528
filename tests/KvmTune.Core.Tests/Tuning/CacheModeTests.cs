using KvmTune.Core.Tuning;

namespace KvmTune.Core.Tests.Tuning;

public class CacheModeTests
{
    [Theory]
    [InlineData("none", true, true, false)]
    [InlineData("writeback", true, false, false)]
    [InlineData("writethrough", false, false, false)]
    [InlineData("directsync", false, true, false)]
    [InlineData("unsafe", true, false, true)]
    public void Each_mode_maps_to_QEMUs_cache_options(string libvirt, bool writeback, bool direct, bool noFlush)
    {
        var semantics = CacheModes.Parse(libvirt)!.Value.Semantics();
        Assert.Equal((writeback, direct, noFlush), (semantics.Writeback, semantics.Direct, semantics.NoFlush));
    }

    [Fact]
    public void Native_aio_starts_only_with_direct_cache_modes()
    {
        var allowed = CacheModes.All.Where(c => IoMode.Native.CanStartWith(c)).Select(c => c.ToLibvirt());
        Assert.Equal(["none", "directsync"], allowed);
    }

    [Fact]
    public void Candidate_ids_round_trip_and_name_the_blocking_rule()
    {
        var c = Candidate.Parse("qcow2-sparse/writeback/native");
        Assert.NotNull(c);
        Assert.Equal("qcow2-sparse/writeback/native", c.Id);
        Assert.Equal("KT001", c.CannotStartCode);
        Assert.Null(Candidate.Parse("raw-prealloc/none/native")!.CannotStartCode);
        Assert.Null(Candidate.Parse("raw/none/native"));
    }
}
