using KvmTune.Core;
using KvmTune.Host.Devices;

namespace KvmTune.Host.Tests.Devices;

public sealed class DeviceSafetyTests
{
    [Fact]
    public void A_blank_loop_device_is_accepted()
    {
        // Given a loop device over a file of zeros
        using var loop = TestLoopDevice.Create();

        // When it is checked without confirmation, Then nothing is thrown
        DeviceSafety.Check(loop.Device, null);
    }

    [Fact]
    public void A_loop_device_with_an_ext4_signature_is_refused_naming_the_file_system()
    {
        // Given a loop device over a file formatted with mkfs.ext4
        using var loop = TestLoopDevice.Create(prepare: file => TestLoopDevice.Run("mkfs.ext4", "-q", "-F", file));

        // When it is checked without confirmation
        var error = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, null));

        // Then the message names the device, the signature and the confirmation flag
        Assert.Contains(loop.Device, error.Message, StringComparison.Ordinal);
        Assert.Contains("ext4", error.Message, StringComparison.Ordinal);
        Assert.Contains(DeviceSafety.ConfirmOption + " " + loop.Device, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Confirmation_repeating_the_exact_path_overrides_the_signature_check()
    {
        // Given a loop device with an ext4 signature
        using var loop = TestLoopDevice.Create(prepare: file => TestLoopDevice.Run("mkfs.ext4", "-q", "-F", file));

        // When the confirmation repeats its path, Then it is accepted
        DeviceSafety.Check(loop.Device, loop.Device);
    }

    [Fact]
    public void Confirmation_naming_another_path_is_refused()
    {
        // Given a blank loop device
        using var loop = TestLoopDevice.Create();

        // When the confirmation names something else
        var error = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, "/dev/sdz"));

        // Then the message says the paths differ
        Assert.Contains("/dev/sdz", error.Message, StringComparison.Ordinal);
        Assert.Contains("exact path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpt_partition_table_is_refused()
    {
        // Given a loop device carrying a GPT label written by parted
        using var loop = TestLoopDevice.Create(prepare: file => TestLoopDevice.Run("parted", "-s", file, "mklabel", "gpt"));

        // When it is checked
        var error = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, null));

        // Then the partition table is named
        Assert.Contains("gpt partition table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mounted_loop_device_is_refused_even_with_confirmation()
    {
        // Given an ext4 loop device mounted on a temporary directory
        using var loop = TestLoopDevice.Create(prepare: file => TestLoopDevice.Run("mkfs.ext4", "-q", "-F", file));
        using var mountPoint = new TempDirectory();
        TestLoopDevice.Run("mount", loop.Device, mountPoint.Path);
        try
        {
            // When it is checked with the confirmation repeating its path
            var error = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, loop.Device));

            // Then it is refused as mounted, naming the mount point
            Assert.Contains("mounted at " + mountPoint.Path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            TestLoopDevice.Run("umount", mountPoint.Path);
        }
    }

    [Fact]
    public void A_loop_device_in_use_as_swap_is_refused_even_with_confirmation()
    {
        // Given a loop device activated as swap
        using var loop = TestLoopDevice.Create(megabytes: 32, prepare: file => TestLoopDevice.Run("mkswap", file));
        TestLoopDevice.Run("swapon", loop.Device);
        try
        {
            // When it is checked with confirmation
            var error = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, loop.Device));

            // Then it is refused as swap
            Assert.Contains("in use as swap", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            TestLoopDevice.Run("swapoff", loop.Device);
        }
    }

    [Fact]
    public void A_regular_file_is_refused_as_not_a_block_device()
    {
        // Given a regular file
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "disk.img");
        File.WriteAllBytes(file, new byte[4096]);

        // When it is named as a device, Then it is refused
        var error = Assert.Throws<InputException>(() => DeviceSafety.Check(file, file));
        Assert.Equal($"device {file}: not a block device", error.Message);
    }

    [Fact]
    public void A_missing_device_is_refused()
    {
        var error = Assert.Throws<InputException>(() => DeviceSafety.Check("/dev/kvmtune-no-such-disk", null));
        Assert.Equal("device /dev/kvmtune-no-such-disk: does not exist", error.Message);
    }
}
