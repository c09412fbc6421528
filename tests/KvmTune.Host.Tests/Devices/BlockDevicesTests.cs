using KvmTune.Host.Devices;

namespace KvmTune.Host.Tests.Devices;

public sealed class BlockDevicesTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "probe", name));

    [Fact]
    public void Mountinfo_of_this_host_gives_the_root_device_number_and_source()
    {
        // Given the recorded /proc/self/mountinfo of a Debian 12 host
        var entries = BlockDevices.ParseMountInfo(Fixture("mountinfo.txt"));

        // Then the root file system is vda (254:0), ext4
        var root = Assert.Single(entries, e => e.MountPoint == "/");
        Assert.Equal("254:0", root.MajorMinor);
        Assert.Equal("ext4", root.FileSystem);
        Assert.Equal("/dev/vda", root.Source);
    }

    [Fact]
    public void Swaps_lists_the_swap_device_and_ignores_the_header()
    {
        Assert.Equal(["/dev/loop0"], BlockDevices.ParseSwaps(Fixture("swaps-with-loop.txt")));
        Assert.Empty(BlockDevices.ParseSwaps(Fixture("swaps.txt")));
    }

    [Fact]
    public void Octal_escapes_in_mount_points_are_decoded()
    {
        var entries = BlockDevices.ParseMountInfo("36 35 7:1 / /mnt/my\\040disk rw,relatime - ext4 /dev/loop1 rw\n");
        Assert.Equal("/mnt/my disk", Assert.Single(entries).MountPoint);
    }
}
