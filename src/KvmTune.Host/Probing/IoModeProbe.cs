using System.Diagnostics;
using System.Globalization;
using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Engines;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Probing;

/// <summary>
/// Starts QEMU's block layer (<c>qemu-io</c>, the code a VM's QEMU runs) on a scratch image with a cache and an aio
/// mode under a watchdog, writes a pattern, flushes and reads the pattern back (<see cref="IoModeCheck"/>): whether
/// io_uring (and native) work on this backend here, measured rather than taken from a blocklist. Only images KvmTune
/// created are written.
/// </summary>
public static class IoModeProbe
{
    /// <summary>A cycle that takes longer than this is a hang: the process is killed.</summary>
    public static TimeSpan DefaultWatchdog { get; } = TimeSpan.FromSeconds(20);

    /// <summary>Bytes written and read back: one 64 KiB request.</summary>
    public const int Length = 64 << 10;

    /// <summary>
    /// The cache and aio pairs worth probing among <paramref name="caches"/>: io_uring with every cache mode, native with
    /// the modes it can start with (cache.direct=on). threads, QEMU's default, is the reference and is not probed.
    /// </summary>
    public static IReadOnlyList<(CacheMode Cache, IoMode Io)> Combinations(IEnumerable<CacheMode> caches)
    {
        ArgumentNullException.ThrowIfNull(caches);
        var list = new List<(CacheMode, IoMode)>();
        foreach (var cache in caches.Distinct())
        {
            list.Add((cache, IoMode.IoUring));
            if (IoMode.Native.CanStartWith(cache))
            {
                list.Add((cache, IoMode.Native));
            }
        }
        return list;
    }

    /// <summary>The <c>qemu-io</c> arguments of one cycle: write the pattern, flush, read it back with verification.</summary>
    public static IReadOnlyList<string> Arguments(MeasureTarget target, CacheMode cache, IoMode io, byte pattern)
    {
        ArgumentNullException.ThrowIfNull(target);
        var p = "0x" + pattern.ToString("x2", CultureInfo.InvariantCulture);
        var length = (Length / 1024).ToString(CultureInfo.InvariantCulture) + "k";
        return ["-f", target.Format, "-t", cache.ToLibvirt(), "-i", io.ToLibvirt(),
                "-c", $"write -P {p} 0 {length}", "-c", "flush", "-c", $"read -P {p} 0 {length}", target.Path];
    }

    /// <summary>
    /// What a finished (or killed) <c>qemu-io</c> run says: a hang when the watchdog killed it, wrong data when qemu-io
    /// reports a pattern mismatch, an error for any other failure (QEMU's own message), otherwise passed.
    /// </summary>
    public static IoModeCheck Interpret(Backend backend, CacheMode cache, IoMode io, int? exitCode, string output, double seconds)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (exitCode is null)
        {
            return new IoModeCheck(backend, cache, io, IoCheckOutcome.Hang, seconds);
        }
        if (lines.FirstOrDefault(l => l.StartsWith("Pattern verification failed", StringComparison.Ordinal)) is { } mismatch)
        {
            return new IoModeCheck(backend, cache, io, IoCheckOutcome.WrongData, seconds, mismatch);
        }
        var error = lines.FirstOrDefault(l => l.StartsWith("qemu-io:", StringComparison.Ordinal) || l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("failed", StringComparison.OrdinalIgnoreCase));
        var wrote = lines.Any(l => l.StartsWith($"wrote {Length}/{Length} bytes", StringComparison.Ordinal));
        var read = lines.Any(l => l.StartsWith($"read {Length}/{Length} bytes", StringComparison.Ordinal));
        if (exitCode != 0 || error is not null || !wrote || !read)
        {
            var message = error ?? lines.FirstOrDefault() ?? $"exit code {exitCode}";
            return new IoModeCheck(backend, cache, io, IoCheckOutcome.Error, seconds, message.StartsWith("qemu-io: ", StringComparison.Ordinal) ? message[9..] : message);
        }
        return new IoModeCheck(backend, cache, io, IoCheckOutcome.Passed, seconds);
    }

    /// <summary>Runs one cycle on <paramref name="target"/> (an image KvmTune created).</summary>
    public static async Task<IoModeCheck> CheckAsync(Backend backend, MeasureTarget target, CacheMode cache, IoMode io, TimeSpan watchdog, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var pattern = (byte)Random.Shared.Next(1, 255);
        var clock = Stopwatch.StartNew();
        // The runner kills the process tree at the watchdog and says it timed out.
        var run = ToolRunner.RunAsync(ToolCommand.For("qemu-io").WithArguments(Arguments(target, cache, io, pattern)).WithTimeout(watchdog), cancellationToken);
        // A process stuck in the kernel (uninterruptible IO) cannot be killed: stop waiting for it a little after the
        // watchdog and record the hang.
        var finished = await Task.WhenAny(run, Task.Delay(watchdog + TimeSpan.FromSeconds(5), cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (finished != run)
        {
            return Interpret(backend, cache, io, null, "", watchdog.TotalSeconds);
        }
        var result = await run.ConfigureAwait(false);
        return result.TimedOut
            ? Interpret(backend, cache, io, null, "", watchdog.TotalSeconds)
            : Interpret(backend, cache, io, result.ExitCode, result.StandardOutput + result.StandardError, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Runs <see cref="Combinations"/> of <paramref name="caches"/> on one backend's image, one after another.</summary>
    public static async Task<IReadOnlyList<IoModeCheck>> CheckAllAsync(Backend backend, MeasureTarget target, IEnumerable<CacheMode> caches, TimeSpan watchdog, CancellationToken cancellationToken)
    {
        var checks = new List<IoModeCheck>();
        foreach (var (cache, io) in Combinations(caches))
        {
            checks.Add(await CheckAsync(backend, target, cache, io, watchdog, cancellationToken).ConfigureAwait(false));
        }
        return checks;
    }

    /// <summary>
    /// The probe command's cycle: small scratch images of the file backends (raw preallocated, qcow2) and, as root, a
    /// loop device (the block-device path), each checked with every cache mode, then removed.
    /// </summary>
    public static async Task<IReadOnlyList<IoModeCheck>> RunOnScratchAsync(string scratchDirectory, CancellationToken cancellationToken)
    {
        var options = new BackendOptions { ScratchDirectory = scratchDirectory };
        var backends = new List<Backend> { Backend.RawPrealloc, Backend.Qcow2Sparse };
        if (BackendFactory.UnavailableReason(Backend.Loop, options) is null)
        {
            backends.Add(Backend.Loop);
        }
        var checks = new List<IoModeCheck>();
        await using var factory = new BackendFactory(options);
        foreach (var backend in backends)
        {
            await using var image = await factory.CreateAsync(backend, 16L << 20, cancellationToken).ConfigureAwait(false);
            checks.AddRange(await CheckAllAsync(backend, image.Target, CacheModes.All, DefaultWatchdog, cancellationToken).ConfigureAwait(false));
        }
        return checks;
    }
}
