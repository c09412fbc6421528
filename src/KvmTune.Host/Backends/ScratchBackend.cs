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

    internal ScratchBackend(Backend kind, MeasureTarget target, string? file, string? loopDevice, string? logicalVolume, bool directIo)
    {
        Kind = kind;
        Target = target;
        File = file;
        LoopDevice = loopDevice;
        LogicalVolume = logicalVolume;
        DirectIo = directIo;
        LiveBackends.Add(this);
    }

    public Backend Kind { get; }

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
            var detach = HostProcess.Run("losetup", ["--detach", LoopDevice]);
            if (!detach.Succeeded)
            {
                errors.Add($"losetup --detach {LoopDevice}: {detach.Message}");
            }
        }
        if (LogicalVolume is not null)
        {
            var remove = HostProcess.Run("lvremove", ["--yes", LogicalVolume]);
            if (!remove.Succeeded)
            {
                errors.Add($"lvremove {LogicalVolume}: {remove.Message}");
            }
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
