using System.Diagnostics;
using KvmTune.Host.Backends;
using KvmTune.Host.Native;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Tests.Backends;

public sealed class BackendJanitorTests
{
    [Fact]
    public void Leftovers_of_a_killed_run_are_removed_and_loop_devices_detached()
    {
        // Given a scratch directory holding what a run that has since died left behind:
        // its owner marker, a sparse image and a loop device over a preallocated image
        using var dir = new TempDirectory();
        var dead = DeadProcess();
        File.WriteAllText(Path.Combine(dir.Path, ScratchNames.OwnerMarker(dead.Pid)), dead + "\n");
        var image = Path.Combine(dir.Path, ScratchNames.ImageFile("raw-sparse", dead.Pid, 1));
        var loopFile = Path.Combine(dir.Path, ScratchNames.ImageFile("loop", dead.Pid, 2));
        File.WriteAllBytes(image, new byte[4096]);
        TestLoopDevice.Run("fallocate", "-l", "16M", loopFile);
        // recorded before attaching, as BackendFactory does
        ScratchLoopRecord.Write(loopFile);
        var loop = TestProcess.Run("losetup", ["--find", "--show", loopFile]).StandardOutput.Trim();
        // And a file that only looks similar (not KvmTune's pattern)
        var foreign = Path.Combine(dir.Path, "kvmtune-notes.txt");
        File.WriteAllText(foreign, "keep");

        try
        {
            // When the janitor runs
            var report = BackendJanitor.CleanLeftovers([dir.Path]);

            // Then the loop device is detached, KvmTune's files are removed and the foreign file is kept
            Assert.Contains($"detached {loop} ({loopFile})", report);
            Assert.Equal("", TestProcess.Run("losetup", ["-j", loopFile]).StandardOutput.Trim());
            Assert.Equal([foreign], Directory.EnumerateFileSystemEntries(dir.Path));
        }
        finally
        {
            TestProcess.Run("losetup", ["--detach", loop]);
        }
    }

    [Fact]
    public void A_foreign_loop_device_on_a_file_named_like_a_scratch_image_outside_the_scratch_directory_survives()
    {
        // Given a loop device someone else attached to a file whose name looks like a scratch image of a dead run
        // (issue 11 item 5: the clean-up detached it, matched by file name alone)
        using var scratch = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var dead = DeadProcess();
        var foreignFile = Path.Combine(elsewhere.Path, ScratchNames.ImageFile("loop", dead.Pid, 1));
        TestLoopDevice.Run("fallocate", "-l", "16M", foreignFile);
        var foreign = TestProcess.Run("losetup", ["--find", "--show", foreignFile]).StandardOutput.Trim();
        try
        {
            // When the janitor cleans the scratch directory
            var report = BackendJanitor.CleanLeftovers([scratch.Path]);

            // Then the loop device is still attached: KvmTune never recorded it
            Assert.DoesNotContain(report, line => line.Contains(foreign, StringComparison.Ordinal));
            Assert.Contains(foreign + ":", TestProcess.Run("losetup", ["-j", foreignFile]).StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            TestProcess.Run("losetup", ["--detach", foreign]);
        }
    }

    [Fact]
    public void A_loop_device_on_a_recorded_image_that_lies_outside_the_scratch_directory_survives()
    {
        // Given a dead run's record in the scratch directory, naming the identity of a file that lives elsewhere
        using var scratch = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var dead = DeadProcess();
        var outside = Path.Combine(elsewhere.Path, "disk.img");
        TestLoopDevice.Run("fallocate", "-l", "16M", outside);
        var record = Path.Combine(scratch.Path, ScratchNames.LoopRecord(ScratchNames.ImageFile("loop", dead.Pid, 1)));
        File.WriteAllText(record, LinuxFile.IdentityOf(outside) + "\n");
        var foreign = TestProcess.Run("losetup", ["--find", "--show", outside]).StandardOutput.Trim();
        try
        {
            // When the janitor runs, Then the loop device stays (its backing file is not inside the scratch directory)
            BackendJanitor.CleanLeftovers([scratch.Path]);
            Assert.Contains(foreign + ":", TestProcess.Run("losetup", ["-j", outside]).StandardOutput, StringComparison.Ordinal);
            Assert.False(File.Exists(record));
        }
        finally
        {
            TestProcess.Run("losetup", ["--detach", foreign]);
        }
    }

    [Fact]
    public void Objects_of_a_running_process_are_left_alone()
    {
        // Given a scratch directory owned by a process that still runs
        using var dir = new TempDirectory();
        using var sleeper = Process.Start("sleep", "60");
        try
        {
            var owner = new ProcessIdentity(sleeper.Id, ProcessIdentity.StartTimeOf(sleeper.Id)!.Value);
            File.WriteAllText(Path.Combine(dir.Path, ScratchNames.OwnerMarker(owner.Pid)), owner + "\n");
            var image = Path.Combine(dir.Path, ScratchNames.ImageFile("qcow2-sparse", owner.Pid, 1));
            File.WriteAllBytes(image, new byte[4096]);

            // When the janitor runs
            var report = BackendJanitor.CleanLeftovers([dir.Path]);

            // Then nothing of it is touched
            Assert.DoesNotContain(report, line => line.Contains(dir.Path, StringComparison.Ordinal));
            Assert.Equal(2, Directory.EnumerateFileSystemEntries(dir.Path).Count());
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public void A_recycled_pid_does_not_keep_leftovers_alive()
    {
        // Given a marker naming a running pid (this process's) but another start time
        using var dir = new TempDirectory();
        using var sleeper = Process.Start("sleep", "60");
        try
        {
            var recycled = new ProcessIdentity(sleeper.Id, ProcessIdentity.StartTimeOf(sleeper.Id)!.Value - 1);
            File.WriteAllText(Path.Combine(dir.Path, ScratchNames.OwnerMarker(recycled.Pid)), recycled + "\n");
            File.WriteAllBytes(Path.Combine(dir.Path, ScratchNames.ImageFile("raw-sparse", recycled.Pid, 1)), new byte[512]);

            // When the janitor runs, Then the files are removed
            BackendJanitor.CleanLeftovers([dir.Path]);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Theory]
    [InlineData("kvmtune-qcow2-sparse-1234-7.img", 1234)]
    [InlineData("kvmtune-loop-99-1.img", 99)]
    [InlineData("kvmtune-raw-prealloc-5-12.img", 5)]
    [InlineData("kvmtune-notes.img", null)]
    [InlineData("other-raw-sparse-5-1.img", null)]
    public void Scratch_image_names_give_their_pid(string name, int? pid) => Assert.Equal(pid, ScratchNames.PidOfImageFile(name));

    [Fact]
    public void Logical_volume_names_give_their_pid()
    {
        Assert.Equal(321, ScratchNames.PidOfLogicalVolume(ScratchNames.LogicalVolume(321, 4)));
        Assert.Null(ScratchNames.PidOfLogicalVolume("root"));
    }

    private static ProcessIdentity DeadProcess()
    {
        using var process = Process.Start("true")!;
        var start = ProcessIdentity.StartTimeOf(process.Id) ?? 1;
        process.WaitForExit();
        return new ProcessIdentity(process.Id, start);
    }
}
