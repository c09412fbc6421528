using CliWrap;
using CliWrap.Buffered;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Guest;
using Xunit.Abstractions;

namespace KvmTune.Host.Tests.Guest;

/// <summary>
/// Boots real micro-VMs under TCG (this host and CI have no usable KVM) with a 64 MiB scratch image:
/// the kernel comes from the host or Debian's package (downloaded once into the data directory's cache).
/// </summary>
[Collection(MicroVmBoots.Name)]
public sealed class GuestEngineBootTests(ITestOutputHelper output) : IDisposable
{
    private static readonly WorkloadProfile SmallRandRead = WorkloadProfile.RandRead4kQd32 with { IoDepth = 8 };
    private static readonly MeasureOptions TwoSeconds = new(TimeSpan.FromSeconds(2), 64L << 20);

    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("kvmtune-guest-test-");

    public void Dispose() => _scratch.Delete(recursive: true);

    [Fact]
    public async Task Micro_vm_booted_with_plain_qemu_under_tcg_returns_a_parsed_fio_result()
    {
        // Given a raw scratch image and the engine forced onto plain QEMU under TCG
        var target = ScratchImage("raw");
        using var engine = new GuestEngine(new GuestEngineOptions { Launcher = GuestLauncherKind.Qemu, Accelerator = GuestAccelerator.Tcg, Progress = output.WriteLine });
        var candidate = new Candidate(Backend.RawPrealloc, CacheMode.None, IoMode.Native);

        // When one repeat runs
        var sample = await engine.RunAsync(target, Subject.Of(candidate), SmallRandRead, TwoSeconds, 1, CancellationToken.None);

        // Then fio ran in the guest and its JSON came back parsed, marked functional-only
        Report(engine, sample);
        Assert.Equal("qemu", engine.LastBoot!.Launcher);
        AssertMeasured(sample, candidate);
    }

    [Fact]
    public async Task Micro_vm_booted_through_libvirt_under_tcg_returns_a_parsed_fio_result()
    {
        // Given a qcow2 scratch image and the engine forced onto libvirt (transient domain) under TCG
        var target = ScratchImage("qcow2");
        using var engine = new GuestEngine(new GuestEngineOptions { Launcher = GuestLauncherKind.Libvirt, Accelerator = GuestAccelerator.Tcg, Progress = output.WriteLine });
        var candidate = new Candidate(Backend.Qcow2Sparse, CacheMode.Writeback, IoMode.Threads);

        // When one repeat of a write profile runs
        var sample = await engine.RunAsync(target, Subject.Of(candidate), WorkloadProfile.RandWrite4kQd32 with { IoDepth = 8 }, TwoSeconds, 1, CancellationToken.None);

        // Then the result is parsed and no domain is left behind
        Report(engine, sample);
        Assert.Equal("libvirt", engine.LastBoot!.Launcher);
        AssertMeasured(sample, candidate);
        Assert.Contains("\"rw\" : \"randwrite\"", sample.RawOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("kvmtune-guest-", await VirshListAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watchdog_destroys_a_micro_vm_that_outlives_it_and_reports_the_last_console_lines()
    {
        // Given a fio run far longer than the watchdog
        var target = ScratchImage("raw");
        using var engine = new GuestEngine(new GuestEngineOptions
        {
            Launcher = GuestLauncherKind.Libvirt,
            Accelerator = GuestAccelerator.Tcg,
            Watchdog = TimeSpan.FromSeconds(25),
            TimeoutRetries = 0,
        });
        var candidate = new Candidate(Backend.RawPrealloc, CacheMode.None, IoMode.Threads);

        // When the repeat runs
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<GuestException>(() =>
            engine.RunAsync(target, Subject.Of(candidate), SmallRandRead, new MeasureOptions(TimeSpan.FromSeconds(600), 64L << 20), 1, CancellationToken.None));

        // Then the VM was destroyed at the watchdog, the failure says so with the console's tail, nothing is left
        output.WriteLine(failure.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 25, 90);
        // (what the console holds by then depends on the host's speed; GuestEngineFailureTests checks the tail's form)
        Assert.StartsWith("micro-VM (libvirt) for raw-prealloc/none/threads timed out after 25 s and was destroyed; last console lines: ", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("kvmtune-guest-", await VirshListAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watchdog_kills_a_plain_qemu_micro_vm_that_outlives_it()
    {
        // Given plain QEMU, a watchdog far shorter than the boot and fio run, and one retry after a timeout
        var target = ScratchImage("raw");
        var progress = new List<string>();
        using var engine = new GuestEngine(new GuestEngineOptions
        {
            Launcher = GuestLauncherKind.Qemu,
            Accelerator = GuestAccelerator.Tcg,
            Watchdog = TimeSpan.FromSeconds(6),
            TimeoutRetries = 1,
            Progress = progress.Add,
        });
        var candidate = new Candidate(Backend.RawPrealloc, CacheMode.Writeback, IoMode.Threads);

        // When the repeat runs
        var failure = await Assert.ThrowsAsync<GuestException>(() =>
            engine.RunAsync(target, Subject.Of(candidate), SmallRandRead, new MeasureOptions(TimeSpan.FromSeconds(600), 64L << 20), 1, CancellationToken.None));

        // Then it was booted again once, failed on the watchdog both times, and no QEMU of that name is left running
        Assert.Contains("micro-VM (qemu) for raw-prealloc/writeback/threads timed out after 6 s and was destroyed; last console lines: ", failure.Message, StringComparison.Ordinal);
        Assert.Single(progress, p => p.StartsWith("micro-VM (qemu) for raw-prealloc/writeback/threads timed out after 6 s", StringComparison.Ordinal) && p.EndsWith("; booting again", StringComparison.Ordinal));
        var name = engine.LastBoot!.Name;
        await Task.Delay(500);
        Assert.DoesNotContain(Directory.GetDirectories("/proc"), dir =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(name, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        });
    }

    private void Report(GuestEngine engine, Sample sample)
    {
        var boot = engine.LastBoot!;
        output.WriteLine($"{boot.Launcher} {boot.Accelerator.ToName()} kernel {boot.Kernel.Origin}: boot+run {boot.Elapsed.TotalSeconds:0.0} s wall, /dev/vda ready at guest uptime {boot.ReadyUptime:0.00} s, fio {sample.Seconds:0.0} s");
        output.WriteLine($"{sample.Subject} {sample.Profile}: {sample.Iops:0} IOPS {sample.MBps:0.0} MB/s p50 {sample.LatencyP50Us:0} us p99 {sample.LatencyP99Us:0} us");
    }

    private static void AssertMeasured(Sample sample, Candidate candidate)
    {
        Assert.Equal(Engine.Guest, sample.Engine);
        Assert.Equal(Subject.Of(candidate), sample.Subject);
        Assert.True(sample.FunctionalOnly);
        Assert.True(sample.Iops > 0, $"IOPS {sample.Iops}");
        Assert.True(sample.MBps > 0, $"MB/s {sample.MBps}");
        Assert.NotNull(sample.LatencyP50Us);
        Assert.True(sample.LatencyP99Us >= sample.LatencyP50Us);
        Assert.InRange(sample.Seconds, 1.5, 5);
        Assert.StartsWith("{", sample.RawOutput, StringComparison.Ordinal);
        Assert.Contains("\"filename\" : \"/dev/vda\"", sample.RawOutput, StringComparison.Ordinal);
    }

    private MeasureTarget ScratchImage(string format)
    {
        var path = Path.Combine(_scratch.FullName, $"disk.{format}");
        Cli.Wrap("qemu-img").WithArguments(["create", "-q", "-f", format, path, "64M"]).ExecuteAsync().GetAwaiter().GetResult();
        return new MeasureTarget(path, format, IsBlock: false, BackingPath: path);
    }

    private static async Task<string> VirshListAsync() =>
        (await Cli.Wrap("virsh").WithArguments(["-c", "qemu:///system", "list", "--all", "--name"]).ExecuteBufferedAsync()).StandardOutput;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MicroVmBoots
{
    public const string Name = "micro-VM boots";
}
