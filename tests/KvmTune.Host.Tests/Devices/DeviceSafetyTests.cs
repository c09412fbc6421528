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
        Assert.Contains($"--confirm-device {loop.Device}", e.Message, StringComparison.Ordinal);
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

    [Fact]
    public void A_second_loop_device_on_the_image_of_a_mounted_file_system_is_refused_even_with_the_confirmation()
    {
        // Given ext4 mounted through /dev/loopA (issue 11 item 2: the bench overwrote it through a second loop device)
        using var loop = new LoopDevice();
        loop.MakeExt4();
        var mountPoint = loop.Mount();

        // And /dev/loopB on the same image
        var second = Attach(loop.BackingFile);
        try
        {
            // When loopB is checked with the confirmation, Then it is refused, naming the mount
            var e = Assert.Throws<InputException>(() => DeviceSafety.Check(second, second));
            Assert.Contains($"mounted at {mountPoint}", e.Message, StringComparison.Ordinal);
            Assert.Contains($"a loop device on the same file as {second}", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Detach(second);
        }
    }

    [Fact]
    public void A_loop_device_on_another_name_of_the_same_file_is_the_same_device()
    {
        // Given ext4 mounted through /dev/loopA, and a hard link to its image under another name
        using var loop = new LoopDevice();
        loop.MakeExt4();
        loop.Mount();
        var otherName = Path.Combine(Path.GetDirectoryName(loop.BackingFile)!, "kvmtune-raw-sparse-1-1.img");
        TestProcess.Check("ln", loop.BackingFile, otherName);

        // When a loop device on the other name is checked, Then the device and inode give it away
        var second = Attach(otherName);
        try
        {
            var e = Assert.Throws<InputException>(() => DeviceSafety.Check(second, second));
            Assert.Contains("mounted at", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Detach(second);
        }
    }

    [Fact]
    public void A_loop_device_backed_by_a_mounted_device_is_refused()
    {
        // Given ext4 mounted through /dev/loopA, and /dev/loopC whose backing file is the node /dev/loopA itself
        using var loop = new LoopDevice();
        loop.MakeExt4();
        var mountPoint = loop.Mount();
        var over = Attach(loop.Device);
        try
        {
            var e = Assert.Throws<InputException>(() => DeviceSafety.Check(over, over));
            Assert.Contains($"mounted at {mountPoint}", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Detach(over);
        }
    }

    [Fact]
    public void A_device_whose_partition_is_mounted_through_another_loop_device_is_refused()
    {
        // Given a GPT image with one ext4 partition, attached with partitions as loopA (p1 mounted)
        using var loop = new LoopDevice();
        LoopDevice.Run("parted", "-s", loop.BackingFile, "mklabel", "gpt", "mkpart", "data", "ext4", "1MiB", "100%");
        var partitioned = Attach(loop.BackingFile, partitions: true);
        var mount = Directory.CreateTempSubdirectory("kvmtune-mnt-").FullName;
        try
        {
            WaitFor(partitioned + "p1");
            LoopDevice.Run("mkfs.ext4", "-q", "-F", partitioned + "p1");
            LoopDevice.Run("mount", partitioned + "p1", mount);

            // When the plain loop device over the same image (made by LoopDevice) is checked, even confirmed
            var e = Assert.Throws<InputException>(() => DeviceSafety.Check(loop.Device, loop.Device));

            // Then the partition's mount is found through the alias
            Assert.Contains($"mounted at {mount}", e.Message, StringComparison.Ordinal);
            Assert.Contains("a partition of", e.Message, StringComparison.Ordinal);
            // And the partitioned device itself is refused as well
            Assert.Contains($"mounted at {mount}", Assert.Throws<InputException>(() => DeviceSafety.Check(partitioned, partitioned)).Message, StringComparison.Ordinal);
        }
        finally
        {
            TestProcess.Run("umount", mount);
            Directory.Delete(mount);
            Detach(partitioned);
        }
    }

    [Fact]
    public void A_partition_beside_a_mounted_partition_is_allowed()
    {
        // Given two partitions, the second mounted
        using var loop = new LoopDevice();
        LoopDevice.Run("parted", "-s", loop.BackingFile, "mklabel", "gpt", "mkpart", "a", "1MiB", "20MiB", "mkpart", "b", "ext4", "20MiB", "100%");
        var partitioned = Attach(loop.BackingFile, partitions: true);
        var mount = Directory.CreateTempSubdirectory("kvmtune-mnt-").FullName;
        try
        {
            WaitFor(partitioned + "p2");
            LoopDevice.Run("mkfs.ext4", "-q", "-F", partitioned + "p2");
            LoopDevice.Run("mount", partitioned + "p2", mount);

            // When the first partition is checked, Then it passes: writing it does not reach the second
            Assert.Equal(partitioned + "p1", DeviceSafety.Inspect(partitioned + "p1", null));
            // But the whole disk is refused
            Assert.Throws<InputException>(() => DeviceSafety.Check(partitioned, partitioned));
        }
        finally
        {
            TestProcess.Run("umount", mount);
            Directory.Delete(mount);
            Detach(partitioned);
        }
    }

    [Fact]
    public void A_second_loop_device_on_the_image_of_a_swap_device_is_refused()
    {
        // Given /dev/loopA in use as swap, and /dev/loopB on the same image
        using var loop = new LoopDevice();
        loop.SwapOn();
        var second = Attach(loop.BackingFile);
        try
        {
            var e = Assert.Throws<InputException>(() => DeviceSafety.Check(second, second));
            Assert.Contains("used as swap", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Detach(second);
        }
    }

    [Fact]
    public void The_aliases_of_a_plain_loop_device_are_only_itself()
    {
        using var loop = new LoopDevice();

        var alias = Assert.Single(DeviceAliases.Resolve(Path.GetFileName(loop.Device)));

        Assert.Equal(loop.Device, alias.Node);
        Assert.Equal(AliasReach.Whole, alias.Reach);
    }

    private static string Attach(string file, bool partitions = false)
    {
        var device = LoopDevice.Run("losetup", partitions ? ["--find", "--show", "--partscan", file] : ["--find", "--show", file]).Trim();
        if (partitions)
        {
            // A kernel without partition-table parsers (a minimal VM kernel) ignores --partscan: partx adds them by BLKPG.
            for (var i = 0; i < 20 && !File.Exists(device + "p1"); i++)
            {
                Thread.Sleep(50);
            }
            if (!File.Exists(device + "p1"))
            {
                TestProcess.Run("partx", "--add", device);
            }
        }
        return device;
    }

    private static void Detach(string device)
    {
        try
        {
            LoopDevice.Run("losetup", "--detach", device);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static void WaitFor(string node)
    {
        for (var i = 0; i < 100 && !File.Exists(node); i++)
        {
            Thread.Sleep(50);
        }
        Assert.True(File.Exists(node), $"{node} never appeared");
    }
}
