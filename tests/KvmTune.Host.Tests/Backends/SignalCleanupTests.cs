using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;

namespace KvmTune.Host.Tests.Backends;

/// <summary>Signals and <see cref="SignalCleanup.CleanUpNow"/> act on the whole test process: run them alone.</summary>
[CollectionDefinition(nameof(ProcessWideTests), DisableParallelization = true)]
public sealed class ProcessWideTests;

[Collection(nameof(ProcessWideTests))]
public sealed class SignalCleanupTests
{
    [Fact]
    public async Task A_first_sigterm_cancels_the_command_which_then_disposes_its_backends()
    {
        // Given the handlers installed with a cancellation source, and a live loop backend
        using var dir = new TempDirectory();
        using var cancellation = new CancellationTokenSource();
        using var handlers = SignalCleanup.Install(cancellation);
        var factory = new BackendFactory(new BackendOptions { ScratchDirectory = dir.Path });
        var loop = await factory.CreateAsync(Backend.Loop, 16L << 20);

        // When this process receives SIGTERM
        TestLoopDevice.Run("kill", "-TERM", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var cancelled = await Task.Delay(TimeSpan.FromSeconds(10), cancellation.Token).ContinueWith(t => t.IsCanceled, TaskScheduler.Default);

        // Then the process survives, the command's token is cancelled, and its clean-up removes everything
        Assert.True(cancelled);
        await factory.DisposeAsync();
        Assert.True(loop.IsDisposed);
        Assert.Equal("", TestProcess.Run("losetup", ["-j", loop.File!]).StandardOutput.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task Signal_clean_up_removes_every_live_backend_of_the_process()
    {
        // Given a live loop backend
        using var dir = new TempDirectory();
        using var factory = new BackendFactory(new BackendOptions { ScratchDirectory = dir.Path });
        var loop = await factory.CreateAsync(Backend.Loop, 16L << 20);

        // When the signal clean-up runs
        SignalCleanup.CleanUpNow();

        // Then the loop device is detached and its file removed
        Assert.True(loop.IsDisposed);
        Assert.Equal("", TestProcess.Run("losetup", ["-j", loop.File!]).StandardOutput.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
