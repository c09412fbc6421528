using KvmTune.Core;
using KvmTune.Host.Probing;

namespace KvmTune.Host.Tests.Probing;

public class ODirectProbeTests
{
    [Fact]
    public void An_ext4_directory_supports_o_direct_and_the_probe_file_is_removed()
    {
        using var loop = new LoopDevice();
        loop.MakeExt4();
        var mnt = loop.Mount();
        var before = Directory.GetFileSystemEntries(mnt);

        Assert.True(ODirectProbe.Supports(mnt));

        Assert.Equal(before, Directory.GetFileSystemEntries(mnt));
    }

    [Fact]
    public void A_missing_directory_is_bad_input()
    {
        var e = Assert.Throws<InputException>(() => ODirectProbe.Supports("/nonexistent/kvmtune"));

        Assert.Equal("/nonexistent/kvmtune: no such directory", e.Message);
    }
}
