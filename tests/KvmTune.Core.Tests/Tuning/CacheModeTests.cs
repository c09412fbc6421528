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
    public void Candidates_are_named_as_people_read_them_and_name_the_blocking_rule()
    {
        var c = new Candidate(Backend.Qcow2Sparse, CacheMode.Writeback, IoMode.Native);
        Assert.Equal("qcow2-sparse/writeback/native", c.Id);
        Assert.Equal("KT001", c.CannotStartCode);
        Assert.Null(new Candidate(Backend.RawPrealloc, CacheMode.None, IoMode.Native).CannotStartCode);
    }

    [Fact]
    public void A_candidate_maps_to_one_driver_element_in_libvirt_spelling()
    {
        var c = new Candidate(Backend.Qcow2Metadata, CacheMode.Directsync, IoMode.IoUring);
        Assert.Equal("<driver name='qemu' type='qcow2' cache='directsync' io='io_uring'/>", c.Driver.ToXml());
        Assert.Equal("<driver name='qemu' type='raw' cache='none' io='native'/>", new Candidate(Backend.Loop, CacheMode.None, IoMode.Native).Driver.ToXml());
    }
}
