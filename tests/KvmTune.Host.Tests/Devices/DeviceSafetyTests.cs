using KvmTune.Core;
using KvmTune.Host.Devices;

namespace KvmTune.Host.Tests.Devices;

public class DeviceSafetyTests
{
    [Fact]
    public void A_blank_loop_device_passes()
    {
        using var loop = new LoopDevice();

        Assert.Equal(loop.Device, DeviceSafety.Inspect(loop.Device, null));
        Assert.Null(DeviceSafety.Signature(loop.Device));
    }

    [Fact]
    public void A_loop_device_with_an_ext4_signature_is_refused_unless_the_path_is_repeated()
    {
        using var loop = new LoopDevice();
        loop.MakeExt4();

        var e = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, null));

        Assert.Contains("ext4", e.Message, StringComparison.Ordinal);
        Assert.Contains($"--i-know-this-destroys {loop.Device}", e.Message, StringComparison.Ordinal);
        Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, "/dev/some-other"));
        DeviceSafety.Check(loop.Device, loop.Device);
    }

    [Fact]
    public void A_mounted_loop_device_is_refused_even_with_the_confirmation()
    {
        using var loop = new LoopDevice();
        loop.MakeExt4();
        var mountPoint = loop.Mount();

        var e = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, loop.Device));

        Assert.Contains($"mounted at {mountPoint}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regular_file_is_not_a_block_device()
    {
        using var loop = new LoopDevice(1);

        var e = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.BackingFile, null));

        Assert.Contains("not a block device", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_device_is_bad_input()
    {
        var e = Assert.Throws<InputException>(() => DeviceSafety.Check("/dev/kvmtune-no-such-device", null));

        Assert.Equal("/dev/kvmtune-no-such-device: no such device", e.Message);
    }

    [Fact]
    public void A_symlink_to_a_blank_device_resolves_to_the_device()
    {
        using var loop = new LoopDevice();
        var link = Path.Combine(Path.GetDirectoryName(loop.BackingFile)!, "by-id-link");
        File.CreateSymbolicLink(link, loop.Device);

        Assert.Equal(loop.Device, DeviceSafety.Inspect(link, null));
    }

    [Fact]
    public void A_loop_device_with_an_mbr_partition_table_is_refused_unless_the_path_is_repeated()
    {
        // One Linux partition from LBA 2048, 4096 sectors, and the 0x55AA boot signature.
        var mbr = new byte[512];
        mbr[446 + 4] = 0x83;
        BitConverter.GetBytes(2048u).CopyTo(mbr, 446 + 8);
        BitConverter.GetBytes(4096u).CopyTo(mbr, 446 + 12);
        mbr[510] = 0x55;
        mbr[511] = 0xAA;
        using var loop = new LoopDevice(firstSector: mbr);

        var e = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, null));

        Assert.Contains("partition table dos", e.Message, StringComparison.Ordinal);
        DeviceSafety.Check(loop.Device, loop.Device);
    }

    [Fact]
    public void A_loop_device_used_as_swap_is_refused_even_with_the_confirmation()
    {
        using var loop = new LoopDevice();
        loop.SwapOn();

        var e = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, loop.Device));

        Assert.Contains("used as swap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpt_partition_table_written_by_parted_is_refused()
    {
        // Given a loop device carrying a GPT label
        using var loop = new LoopDevice();
        LoopDevice.Run("parted", "-s", loop.Device, "mklabel", "gpt");

        // When it is checked, Then the partition table is named with the confirmation option
        var e = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, null));
        Assert.Contains("partition table gpt", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{DeviceSafety.ConfirmOption} {loop.Device}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_confirmation_naming_another_device_is_refused_even_for_a_blank_device()
    {
        // Given a blank loop device
        using var loop = new LoopDevice();

        // When the confirmation names something else, Then it is refused, naming both
        var e = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, "/dev/sdz"));
        Assert.Equal($"{loop.Device}: {DeviceSafety.ConfirmOption} names /dev/sdz, another device; it must repeat the device path", e.Message);
    }
}
