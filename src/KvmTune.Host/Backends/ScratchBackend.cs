using System.Globalization;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Backends;

/// <summary>
/// One image KvmTune created (or a device the user named) and the <see cref="MeasureTarget"/> the engines use.
/// Disposing removes what was created: the loop device is detached, the logical volume removed, the file deleted.
/// Disposal is idempotent and also runs from <see cref="SignalCleanup"/> on Ctrl-C / SIGTERM.
/// </summary>
public sealed class ScratchBackend : IAsyncDisposable, IDisposable
{
    private int _disposed;

    internal ScratchBackend(Backend kind, MeasureTarget target, long sizeBytes, string? file, string? loopDevice, string? logicalVolume, bool directIo)
    {
        Kind = kind;
        SizeBytes = sizeBytes;
        Target = target;
        File = file;
        LoopDevice = loopDevice;
        LogicalVolume = logicalVolume;
        DirectIo = directIo;
        LiveBackends.Add(this);
    }

    public Backend Kind { get; }

    /// <summary>The image's virtual size.</summary>
    public long SizeBytes { get; }

    /// <summary>What the engines open.</summary>
    public MeasureTarget Target { get; }

    /// <summary>The scratch image file KvmTune created (also behind a loop device), or null.</summary>
    public string? File { get; }

    /// <summary>The loop device KvmTune attached (<c>/dev/loop3</c>), or null.</summary>
    public string? LoopDevice { get; }

    /// <summary>The logical volume KvmTune created as <c>vg/lv</c>, or null.</summary>
    public string? LogicalVolume { get; }

    /// <summary>For a loop device: whether it runs with direct I/O on its backing file.</summary>
    public bool DirectIo { get; }

    /// <summary>For a loop device: the record of its image's identity (<see cref="ScratchLoopRecord"/>).</summary>
    internal string? LoopRecord { get; init; }

    /// <summary>
    /// Writes the whole image once, through QEMU's block layer with the image's own format, with a non-zero
    /// pattern (0x5a). Reads of holes, unallocated qcow2 clusters or fallocate'd (unwritten) extents never reach
    /// the disk, so read benchmarks need a filled image; it also allocates every cluster of a sparse image, so
    /// write benchmarks that compare allocation behaviour must run before filling, or on an unfilled image.
    /// </summary>
    public async Task FillAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        await FillPathAsync(Target.Path, Target.Format, SizeBytes, cancellationToken).ConfigureAwait(false);
        if (Target.BackingPath != Target.Path)
        {
            // The host engine's raw file for a qcow2 image: filled alike, so the ceiling reads real data too.
            await FillPathAsync(Target.BackingPath, "raw", SizeBytes, cancellationToken).ConfigureAwait(false);
        }
        IsFilled = true;
    }

    private static async Task FillPathAsync(string path, string format, long sizeBytes, CancellationToken cancellationToken)
    {
        // The largest power-of-two request up to 1 MiB that divides the size (a multiple of 512).
        var chunk = 1L << 20;
        while (sizeBytes % chunk != 0)
        {
            chunk /= 2;
        }
        var count = (sizeBytes / chunk).ToString(CultureInfo.InvariantCulture);
        var size = chunk.ToString(CultureInfo.InvariantCulture);
        List<string> common = ["bench", "-w", "-q", "-c", count, "-d", "4", "-s", size, "-S", size, "--pattern=90", "-f", format];
        var result = await ToolRunner.RunAsync(ToolCommand.For("qemu-img").WithArguments([.. common, "-t", "none", "-i", "native", path]), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // Without O_DIRECT on the scratch file system: through the page cache, then flushed by qemu-img.
            result = await ToolRunner.RunAsync(ToolCommand.For("qemu-img").WithArguments([.. common, "-t", "writeback", "-i", "threads", path]), cancellationToken).ConfigureAwait(false);
        }
        if (!result.Succeeded)
        {
            throw new BackendException($"qemu-img bench (fill) {path}: {result.Message}");
        }
    }

    /// <summary>True after <see cref="FillAsync"/>.</summary>
    public bool IsFilled { get; private set; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>What went wrong while cleaning up, or empty (a failed clean-up is reported, not thrown).</summary>
    public IReadOnlyList<string> CleanupErrors { get; private set; } = [];

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        var errors = new List<string>();
        if (LoopDevice is not null)
        {
            var detach = ToolRunner.Run(ToolCommand.For("losetup").WithArguments(["--detach", LoopDevice]).WithTimeout(TimeSpan.FromMinutes(2)));
            if (!detach.Succeeded)
            {
                errors.Add($"losetup --detach {LoopDevice}: {detach.Message}");
            }
        }
        if (LogicalVolume is not null)
        {
            var remove = ToolRunner.Run(ToolCommand.For("lvremove").WithArguments(["--yes", "--", LogicalVolume]).WithTimeout(TimeSpan.FromMinutes(2)));
            if (!remove.Succeeded)
            {
                errors.Add($"lvremove {LogicalVolume}: {remove.Message}");
            }
        }
        if (LoopRecord is not null && errors.Count == 0)
        {
            // Kept while the loop device may still be attached: the clean-up of a later run finds it by this record.
            System.IO.File.Delete(LoopRecord);
        }
        if (File is not null)
        {
            try
            {
                System.IO.File.Delete(File);
            }
            catch (IOException e)
            {
                errors.Add($"{File}: {e.Message}");
            }
            catch (UnauthorizedAccessException e)
            {
                errors.Add($"{File}: {e.Message}");
            }
        }
        CleanupErrors = errors;
        LiveBackends.Remove(this);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"{Kind.ToName()} {Target.Path}";
}

/// <summary>The backends alive in this process, for clean-up on a signal.</summary>
internal static class LiveBackends
{
    private static readonly HashSet<ScratchBackend> Set = [];
    private static readonly Lock Gate = new();

    public static void Add(ScratchBackend backend)
    {
        lock (Gate)
        {
            Set.Add(backend);
        }
    }

    public static void Remove(ScratchBackend backend)
    {
        lock (Gate)
        {
            Set.Remove(backend);
        }
    }

    public static ScratchBackend[] Snapshot()
    {
        lock (Gate)
        {
            return [.. Set];
        }
    }
}
