using System.Text.Json;
using KvmTune.Core;
using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Devices;
using KvmTune.Host.Native;

namespace KvmTune.Host.Tests.Backends;

public sealed class BackendFactoryTests
{
    private const long Size = 64L << 20;

    [Theory]
    [InlineData("qcow2-sparse", "qcow2", false)]
    [InlineData("qcow2-metadata", "qcow2", false)]
    [InlineData("qcow2-falloc", "qcow2", true)]
    [InlineData("raw-sparse", "raw", false)]
    [InlineData("raw-prealloc", "raw", true)]
    public async Task A_file_backend_has_its_format_and_allocation_and_dispose_removes_it(string name, string format, bool preallocated)
    {
        // Given a factory on a temporary scratch directory
        using var dir = new TempDirectory();
        var backend = KvmTune.Core.Tuning.Backends.Parse(name)!.Value;
        string file;
        await using (var factory = new BackendFactory(new BackendOptions { ScratchDirectory = dir.Path }))
        {
            // When the backend is created
            var created = await factory.CreateAsync(backend, Size);
            file = created.File!;

            // Then qemu-img sees the format and the virtual size, and the target points at the file
            var info = await TestProcess.RunAsync("qemu-img", ["info", "--output=json", "-U", file]);
            using var json = JsonDocument.Parse(info.StandardOutput);
            Assert.Equal(format, json.RootElement.GetProperty("format").GetString());
            Assert.Equal(Size, json.RootElement.GetProperty("virtual-size").GetInt64());
            Assert.Equal(file, created.Target.Path);
            Assert.Equal(format, created.Target.Format);
            Assert.False(created.Target.IsBlock);
            if (format == "qcow2")
            {
                // fio never writes into a qcow2 image: the host engine gets a preallocated raw sibling
                Assert.NotEqual(file, created.Target.BackingPath);
                Assert.Equal(dir.Path, Path.GetDirectoryName(created.Target.BackingPath));
                Assert.Matches($@"^kvmtune-host-{Environment.ProcessId}-\d+\.img$", Path.GetFileName(created.Target.BackingPath));
                Assert.True(LinuxFile.Stat(created.Target.BackingPath)!.Blocks * 512 >= Size);
            }
            else
            {
                Assert.Equal(file, created.Target.BackingPath);
            }
            Assert.Matches($@"^kvmtune-{name}-{Environment.ProcessId}-\d+\.img$", Path.GetFileName(file));
            Assert.True(File.Exists(Path.Combine(dir.Path, ScratchNames.OwnerMarker(Environment.ProcessId))));

            // And the data blocks are allocated up front exactly for the preallocated kinds
            var status = LinuxFile.Stat(file)!;
            if (preallocated)
            {
                Assert.True(status.Blocks * 512 >= Size, $"{name}: {status.Blocks * 512} bytes allocated of {Size}");
            }
            else
            {
                Assert.True(status.Blocks * 512 < Size / 2, $"{name}: {status.Blocks * 512} bytes allocated of {Size}");
            }

            // When it is disposed, Then the file is gone
            await created.DisposeAsync();
            Assert.False(File.Exists(file));
            Assert.Empty(created.CleanupErrors);
        }

        // And disposing the factory removes the host file and the owner marker: the directory is empty
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task A_loop_backend_is_a_direct_io_loop_device_over_a_preallocated_file_and_dispose_detaches_it()
    {
        // Given a factory on a temporary scratch directory (tests run as root)
        using var dir = new TempDirectory();
        await using var factory = new BackendFactory(new BackendOptions { ScratchDirectory = dir.Path });

        // When a loop backend is created
        var created = await factory.CreateAsync(Backend.Loop, Size);

        // Then the target is the loop device, a raw block device over the preallocated scratch file
        Assert.StartsWith("/dev/loop", created.Target.Path, StringComparison.Ordinal);
        Assert.True(created.Target.IsBlock);
        Assert.Equal("raw", created.Target.Format);
        Assert.True(LinuxFile.Stat(created.Target.Path)!.IsBlockDevice);
        Assert.True(LinuxFile.Stat(created.File!)!.Blocks * 512 >= Size);
        var attached = TestProcess.Run("losetup", ["-j", created.File!]);
        Assert.Contains(created.Target.Path + ":", attached.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(BlockDevices.ReadSys(Path.GetFileName(created.Target.Path), "loop/dio") == "1", created.DirectIo);
        // And the image's identity was recorded for the clean-up of a killed run
        Assert.Equal(LinuxFile.IdentityOf(created.File!), ScratchLoopRecord.Read(created.File! + ".loop"));

        // When it is disposed
        var file = created.File!;
        await created.DisposeAsync();

        // Then no loop device is left on the file and the file is gone
        Assert.Empty(created.CleanupErrors);
        Assert.Equal("", TestProcess.Run("losetup", ["-j", file]).StandardOutput.Trim());
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(file + ".loop"));
    }

    [Fact]
    public async Task Disposing_the_factory_removes_backends_still_alive()
    {
        // Given a factory with a raw file and a loop backend not yet disposed
        using var dir = new TempDirectory();
        var factory = new BackendFactory(new BackendOptions { ScratchDirectory = dir.Path });
        var raw = await factory.CreateAsync(Backend.RawSparse, Size);
        var loop = await factory.CreateAsync(Backend.Loop, Size);

        // When the factory is disposed
        await factory.DisposeAsync();

        // Then both are gone and the scratch directory is empty
        Assert.True(raw.IsDisposed && loop.IsDisposed);
        Assert.Equal("", TestProcess.Run("losetup", ["-j", loop.File!]).StandardOutput.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task A_named_blank_device_becomes_a_raw_block_target_and_is_left_in_place()
    {
        // Given a blank loop device the user names with --device
        using var device = TestLoopDevice.Create();
        var options = new BackendOptions { Device = device.Device };
        await using var factory = new BackendFactory(options);

        // When it is validated and created
        factory.Validate([Backend.Device], Size);
        var created = await factory.CreateAsync(Backend.Device, Size);

        // Then the target is the device itself, and disposing does not detach it
        Assert.Equal(new KvmTune.Host.Engines.MeasureTarget(device.Device, "raw", true, device.Device), created.Target);
        await created.DisposeAsync();
        Assert.Contains(device.Device + ":", TestProcess.Run("losetup", ["-j", device.File]).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_device_with_a_file_system_is_refused_before_anything_is_created()
    {
        // Given an ext4 loop device named with --device and a scratch directory
        using var device = TestLoopDevice.Create(prepare: file => TestLoopDevice.Run("mkfs.ext4", "-q", "-F", file));
        using var dir = new TempDirectory();
        using var factory = new BackendFactory(new BackendOptions { ScratchDirectory = dir.Path, Device = device.Device });

        // When a matrix including the device is validated
        var error = Assert.Throws<InputException>(() => factory.Validate([Backend.RawPrealloc, Backend.Device], Size));

        // Then the device is refused for its file system and nothing was created
        Assert.Contains("ext4", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Lvm_is_refused_with_a_clear_reason_before_anything_is_touched()
    {
        // Given a volume group name and a scratch directory
        using var dir = new TempDirectory();
        using var factory = new BackendFactory(new BackendOptions { ScratchDirectory = dir.Path, VolumeGroup = "kvmtune-test-no-such-vg" });

        // When lvm is validated
        var error = Assert.Throws<InputException>(() => factory.Validate([Backend.Lvm], Size));

        // Then without device-mapper the message says so; with it, the unknown volume group is named
        Assert.Contains(BlockDevices.DeviceMapperPresent ? "kvmtune-test-no-such-vg" : "device-mapper", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("backend lvm: ", BlockDevices.DeviceMapperPresent ? "backend lvm: " : error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Lvm_without_a_volume_group_is_refused()
    {
        using var factory = new BackendFactory(new BackendOptions());
        var error = Assert.Throws<InputException>(() => factory.Validate([Backend.Lvm], Size));
        Assert.Equal("backend lvm: needs --vg", error.Message);
    }

    [Theory]
    [InlineData("-vg")]
    [InlineData("--all")]
    [InlineData("vg/other")]
    public void A_volume_group_name_lvm_would_read_as_an_option_or_a_path_is_refused_before_any_tool_runs(string vg)
    {
        var e = Assert.Throws<InputException>(() => new BackendFactory(new BackendOptions { VolumeGroup = vg }));

        Assert.Contains($"--vg '{vg}': not a valid LVM volume group name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scratch_directory_that_does_not_exist_is_refused()
    {
        var error = Assert.Throws<InputException>(() => new BackendFactory(new BackendOptions { ScratchDirectory = "/nonexistent/kvmtune" }));
        Assert.Equal("--dir /nonexistent/kvmtune: no such directory", error.Message);
    }

    [Fact]
    public void A_size_larger_than_the_free_space_is_refused_before_anything_is_created()
    {
        // Given a scratch directory
        using var dir = new TempDirectory();
        using var factory = new BackendFactory(new BackendOptions { ScratchDirectory = dir.Path });

        // When a preallocated image far beyond the free space is validated
        var error = Assert.Throws<InputException>(() => factory.Validate([Backend.RawPrealloc], 1L << 60));

        // Then it is refused naming the directory
        Assert.Contains($"scratch directory {dir.Path}", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}

public sealed class ScratchBackendFillTests
{
    private const long Size = 16L << 20;

    [Theory]
    [InlineData(Backend.Qcow2Sparse)]
    [InlineData(Backend.RawPrealloc)]
    [InlineData(Backend.Loop)]
    public async Task Fill_writes_the_pattern_over_the_whole_image_and_its_host_file(Backend backend)
    {
        // Given a fresh backend
        using var dir = new TempDirectory();
        await using var factory = new BackendFactory(new BackendOptions { ScratchDirectory = dir.Path });
        await using var created = await factory.CreateAsync(backend, Size);

        // When it is filled
        await created.FillAsync();

        // Then every guest-visible byte reads back as 0x5a: first and last 4 KiB through qemu-io's view of the image
        Assert.True(created.IsFilled);
        foreach (var offset in new[] { 0L, Size - 4096 })
        {
            var check = await TestProcess.RunAsync("qemu-io", ["-f", created.Target.Format, "-r", "-c", $"read -P 0x5a {offset} 4096", created.Target.Path]);
            Assert.True(check.Succeeded && !check.StandardOutput.Contains("Pattern verification failed", StringComparison.Ordinal), check.StandardOutput + check.StandardError);
        }
        // And the file's blocks are allocated, and the host engine's file carries the same pattern
        Assert.True(LinuxFile.Stat(created.File!)!.Blocks * 512 >= Size);
        var hostCheck = await TestProcess.RunAsync("qemu-io", ["-f", "raw", "-r", "-c", $"read -P 0x5a {Size - 4096} 4096", created.Target.BackingPath]);
        Assert.True(hostCheck.Succeeded, hostCheck.StandardOutput + hostCheck.StandardError);
    }
}

public sealed class BackendScratchTargetsTests
{
    [Fact]
    public async Task Each_backend_is_created_once_and_everything_is_removed_on_dispose()
    {
        // Given a leftover of a killed run in a temporary directory
        using var dir = new TempDirectory();
        using (var finished = System.Diagnostics.Process.Start("true")!)
        {
            finished.WaitForExit();
            File.WriteAllBytes(Path.Combine(dir.Path, ScratchNames.ImageFile("raw-sparse", finished.Id, 1)), new byte[512]);
        }

        // When the bench runner's scratch targets open over it, Then the leftover is removed first
        var targets = new BackendScratchTargets(new BackendOptions { ScratchDirectory = dir.Path });
        Assert.Single(targets.LeftoversRemoved, line => line.StartsWith($"removed {dir.Path}/kvmtune-raw-sparse-", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));

        // When qcow2-metadata is asked for twice and loop once
        var first = await targets.CreateAsync(Backend.Qcow2Metadata, 16L << 20, CancellationToken.None);
        var again = await targets.CreateAsync(Backend.Qcow2Metadata, 16L << 20, CancellationToken.None);
        var loop = await targets.CreateAsync(Backend.Loop, 16L << 20, CancellationToken.None);

        // Then the same image comes back, and the loop device is attached
        Assert.Equal(first, again);
        Assert.Equal(2, targets.Created.Count);
        var loopFile = targets.Created[Backend.Loop].File!;
        Assert.Contains(loop.Path + ":", TestProcess.Run("losetup", ["-j", loopFile]).StandardOutput, StringComparison.Ordinal);

        // When disposed, Then no file and no loop device is left
        await targets.DisposeAsync();
        Assert.Equal("", TestProcess.Run("losetup", ["-j", loopFile]).StandardOutput.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
