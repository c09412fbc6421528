using System.Globalization;
using KvmTune.Core;
using KvmTune.Core.Tuning;
using KvmTune.Host.Devices;
using KvmTune.Host.Engines;
using KvmTune.Host.Files;
using KvmTune.Host.Native;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Backends;

/// <summary>
/// Creates the backends a benchmark measures: scratch images in the scratch directory (qcow2 sparse, metadata,
/// falloc; raw sparse and preallocated), a loop device over a preallocated file (root only), the device the user
/// named, or logical volumes in the volume group the user named. Everything created carries KvmTune's names
/// (<see cref="ScratchNames"/>) and an owner marker, so <see cref="BackendJanitor"/> can remove leftovers of a killed
/// run. Disposing the factory disposes every backend it created that is still alive and removes the marker.
/// </summary>
public sealed class BackendFactory : IAsyncDisposable, IDisposable
{
    // Room left free beside a preallocated image (qcow2 metadata, the file system's own needs).
    private const long Headroom = 64L << 20;
    private static int _sequence;

    private readonly BackendOptions _options;
    private readonly List<ScratchBackend> _created = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<long, string> _hostFiles = [];
    private readonly SemaphoreSlim _hostGate = new(1, 1);
    private string? _marker;
    private bool _disposed;

    public BackendFactory(BackendOptions options)
    {
        _options = options;
        ArgumentNullException.ThrowIfNull(options);
        if (options.ScratchDirectory is { } dir && !Directory.Exists(dir))
        {
            throw new InputException($"--dir {dir}: no such directory");
        }
        if (options.VolumeGroup is { } vg)
        {
            LvmSetupPlan.ValidateName(vg);
        }
        LiveFactories.Add(this);
    }

    /// <summary>The scratch directory (the data directory's <c>scratch</c> unless <c>--dir</c> chose one).</summary>
    public string ScratchDirectory => Path.GetFullPath(_options.ScratchDirectory ?? System.IO.Path.Combine(DataDirectory.Path, "scratch"));

    /// <summary>
    /// Why <paramref name="backend"/> cannot be created with these options on this host, or null when it can.
    /// Cheap and side-effect free: the device safety checks run in <see cref="Validate(IEnumerable{Backend}, long)"/>.
    /// </summary>
    public static string? UnavailableReason(Backend backend, BackendOptions options) => backend switch
    {
        Backend.Loop when !Environment.IsPrivilegedProcess => "loop devices need root (losetup)",
        Backend.Loop when ToolRegistry.Default.Find("losetup") is null => $"losetup is {ToolRegistry.Missing("losetup")}",
        Backend.Device when options.Device is null => "needs --device",
        Backend.Lvm when options.VolumeGroup is null => "needs --vg",
        Backend.Lvm when !BlockDevices.DeviceMapperPresent =>
            "LVM needs device-mapper, which this kernel lacks (no /sys/module/dm_mod, no /dev/mapper/control)",
        Backend.Lvm when ToolRegistry.Default.Find("lvcreate") is null => $"lvcreate is {ToolRegistry.Missing("lvcreate")}",
        Backend.Lvm or Backend.Device => null,
        _ when ToolRegistry.Default.Find("qemu-img") is null => $"qemu-img is {ToolRegistry.Missing("qemu-img")}",
        _ => null,
    };

    /// <summary>
    /// Checks, before anything is created, that every requested backend can be created; throws
    /// <see cref="InputException"/> naming the first that cannot (including the device safety checks).
    /// </summary>
    public void Validate(IEnumerable<Backend> backends, long sizeBytes) => Validate(backends, sizeBytes, sizeBytes);

    /// <summary>
    /// As <see cref="Validate(IEnumerable{Backend}, long)"/>, with the free space the scratch directory needs given apart
    /// (a metadata-preallocated qcow2 image of hundreds of GiB takes its metadata and what is written, not its size).
    /// </summary>
    public void Validate(IEnumerable<Backend> backends, long sizeBytes, long spaceBytes)
    {
        var requested = backends.Distinct().ToList();
        foreach (var backend in requested)
        {
            if (UnavailableReason(backend, _options) is { } reason)
            {
                throw new InputException($"backend {backend.ToName()}: {reason}");
            }
        }
        if (requested.Contains(Backend.Device))
        {
            DeviceSafety.Check(_options.Device!, _options.ConfirmDevice);
            var size = DeviceSize(_options.Device!);
            if (size < sizeBytes)
            {
                throw new InputException($"device {_options.Device}: {size} bytes, smaller than the requested size {sizeBytes}");
            }
        }
        if (requested.Contains(Backend.Lvm))
        {
            // After "--": a name is never read as an option.
            var vgs = ToolRunner.Run(ToolCommand.For("vgs").WithArguments(["--noheadings", "-o", "vg_name", "--", _options.VolumeGroup!]).WithTimeout(TimeSpan.FromMinutes(2)));
            if (!vgs.Succeeded)
            {
                throw new InputException($"--vg {_options.VolumeGroup}: {vgs.Message}");
            }
        }
        var files = requested.Where(b => !b.IsBlock() || b == Backend.Loop).ToList();
        if (files.Count > 0)
        {
            var dir = ScratchDirectory;
            var probe = Directory.Exists(dir) ? dir : Path.GetDirectoryName(dir)!;
            if (LinuxFile.AvailableBytes(probe) is { } free && free < spaceBytes + Headroom)
            {
                throw new InputException(
                    $"scratch directory {dir}: {free >> 20} MiB free, a {sizeBytes >> 20} MiB image needs {(spaceBytes + Headroom) >> 20} MiB (choose --size or --dir)");
            }
        }
    }

    /// <summary>Creates one backend of <paramref name="sizeBytes"/>. The caller disposes it.</summary>
    public Task<ScratchBackend> CreateAsync(Backend backend, long sizeBytes, CancellationToken cancellationToken = default) =>
        CreateAsync(backend, sizeBytes, ImageOptions.Default, hostCeilingFile: true, cancellationToken);

    /// <summary>
    /// Creates one backend of <paramref name="sizeBytes"/> with the creation options of <paramref name="creation"/>
    /// (qcow2 cluster size, extended L2). A qcow2 image gets a preallocated raw file of the same size beside it for the
    /// host engine only when <paramref name="hostCeilingFile"/> (an image of hundreds of GiB has no room for one).
    /// The caller disposes it.
    /// </summary>
    public async Task<ScratchBackend> CreateAsync(Backend backend, long sizeBytes, ImageOptions creation, bool hostCeilingFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(creation);
        if (creation.NeedsQcow2 && backend.Format() != "qcow2")
        {
            throw new InputException($"backend {backend.ToName()}: {creation.Text} needs a qcow2 backend");
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sizeBytes <= 0 || sizeBytes % 512 != 0)
        {
            throw new InputException($"size {sizeBytes}: must be a positive multiple of 512 bytes");
        }
        if (UnavailableReason(backend, _options) is { } reason)
        {
            throw new InputException($"backend {backend.ToName()}: {reason}");
        }
        var created = backend switch
        {
            Backend.Device => CreateDevice(sizeBytes),
            Backend.Lvm => await CreateLogicalVolumeAsync(sizeBytes, cancellationToken).ConfigureAwait(false),
            Backend.Loop => await CreateLoopAsync(sizeBytes, cancellationToken).ConfigureAwait(false),
            _ => await CreateImageAsync(backend, sizeBytes, creation, hostCeilingFile, cancellationToken).ConfigureAwait(false),
        };
        lock (_gate)
        {
            _created.Add(created);
        }
        return created;
    }

    private ScratchBackend CreateDevice(long sizeBytes)
    {
        var device = _options.Device!;
        DeviceSafety.Check(device, _options.ConfirmDevice);
        if (DeviceSize(device) < sizeBytes)
        {
            throw new InputException($"device {device}: smaller than the requested size {sizeBytes}");
        }
        return new ScratchBackend(Backend.Device, new MeasureTarget(device, "raw", IsBlock: true, device), sizeBytes, null, null, null, directIo: false);
    }

    private async Task<ScratchBackend> CreateImageAsync(Backend backend, long sizeBytes, ImageOptions creation, bool hostCeilingFile, CancellationToken cancellationToken)
    {
        var file = await CreateImageFileAsync(backend, sizeBytes, creation, cancellationToken).ConfigureAwait(false);
        try
        {
            // fio must never write into a qcow2 image (it would destroy the format): the host engine measures a
            // preallocated raw file of the same size in the same directory instead. Without one, the backing path is the
            // image itself and the host engine refuses it.
            var backing = backend.Format() == "qcow2" && hostCeilingFile ? await HostCeilingFileAsync(sizeBytes, cancellationToken).ConfigureAwait(false) : file;
            return new ScratchBackend(backend, new MeasureTarget(file, backend.Format(), IsBlock: false, backing), sizeBytes, file, null, null, directIo: false);
        }
        catch
        {
            File.Delete(file);
            throw;
        }
    }

    /// <summary>One preallocated raw file per size, shared by the qcow2 backends as their host-engine target.</summary>
    private async Task<string> HostCeilingFileAsync(long sizeBytes, CancellationToken cancellationToken)
    {
        await _hostGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_hostFiles.TryGetValue(sizeBytes, out var file))
            {
                file = await CreateFileAsync("host", "raw", "falloc", sizeBytes, cancellationToken).ConfigureAwait(false);
                _hostFiles[sizeBytes] = file;
            }
            return file;
        }
        finally
        {
            _hostGate.Release();
        }
    }

    private Task<string> CreateImageFileAsync(Backend backend, long sizeBytes, CancellationToken cancellationToken) =>
        CreateImageFileAsync(backend, sizeBytes, ImageOptions.Default, cancellationToken);

    private Task<string> CreateImageFileAsync(Backend backend, long sizeBytes, ImageOptions creation, CancellationToken cancellationToken)
    {
        var preallocation = backend switch
        {
            Backend.Qcow2Metadata => "metadata",
            Backend.Qcow2Falloc or Backend.RawPrealloc or Backend.Loop => "falloc",
            _ => null,
        };
        return CreateFileAsync(backend.ToName(), backend.Format(), preallocation, sizeBytes, cancellationToken, KvmTune.Core.Decisions.ImageOptionsAdvice.ImageCreation(creation));
    }

    private async Task<string> CreateFileAsync(string name, string format, string? preallocation, long sizeBytes, CancellationToken cancellationToken, string? createOptions = null)
    {
        var dir = PrepareScratchDirectory();
        var file = Path.Combine(dir, ScratchNames.ImageFile(name, Environment.ProcessId, Interlocked.Increment(ref _sequence)));
        List<string> arguments = ["create", "-q", "-f", format];
        var o = string.Join(',', new[] { preallocation is null ? null : $"preallocation={preallocation}", createOptions }.Where(x => x is not null));
        if (o.Length > 0)
        {
            arguments.AddRange(["-o", o]);
        }
        arguments.AddRange([file, sizeBytes.ToString(CultureInfo.InvariantCulture)]);
        ToolResult result;
        try
        {
            result = await ToolRunner.RunAsync(ToolCommand.For("qemu-img").WithArguments(arguments), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            File.Delete(file);
            throw;
        }
        if (!result.Succeeded)
        {
            File.Delete(file);
            throw new BackendException($"qemu-img create {name} in {dir}: {result.Message}");
        }
        return file;
    }

    private async Task<ScratchBackend> CreateLoopAsync(long sizeBytes, CancellationToken cancellationToken)
    {
        var file = await CreateImageFileAsync(Backend.Loop, sizeBytes, cancellationToken).ConfigureAwait(false);
        string? record = null;
        try
        {
            // The image's identity is recorded before the loop device exists: a run killed in between leaves a record
            // the clean-up recognises the loop device by (device and inode, never the file name).
            record = ScratchLoopRecord.Write(file);
            // Direct I/O on the backing file keeps the host page cache out of the block path, as with a real disk.
            var attach = await ToolRunner.RunAsync(ToolCommand.For("losetup").WithArguments(["--find", "--show", "--direct-io=on", "--", file]), CancellationToken.None).ConfigureAwait(false);
            if (!attach.Succeeded)
            {
                attach = await ToolRunner.RunAsync(ToolCommand.For("losetup").WithArguments(["--find", "--show", "--", file]), CancellationToken.None).ConfigureAwait(false);
            }
            if (!attach.Succeeded)
            {
                throw new BackendException($"losetup {file}: {attach.Message}");
            }
            var device = attach.StandardOutput.Trim();
            var directIo = BlockDevices.ReadSys(Path.GetFileName(device), "loop/dio") == "1";
            return new ScratchBackend(Backend.Loop, new MeasureTarget(device, "raw", IsBlock: true, device), sizeBytes, file, device, null, directIo) { LoopRecord = record };
        }
        catch
        {
            File.Delete(file);
            if (record is not null)
            {
                File.Delete(record);
            }
            throw;
        }
    }

    private async Task<ScratchBackend> CreateLogicalVolumeAsync(long sizeBytes, CancellationToken cancellationToken)
    {
        var vg = _options.VolumeGroup!;
        var name = ScratchNames.LogicalVolume(Environment.ProcessId, Interlocked.Increment(ref _sequence));
        var result = await ToolRunner.RunAsync(
            ToolCommand.For("lvcreate").WithArguments(["--yes", "--wipesignatures", "y", "--zero", "y", "--name", name, "--size", $"{sizeBytes.ToString(CultureInfo.InvariantCulture)}b", "--", vg]),
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new BackendException($"lvcreate {vg}/{name}: {result.Message}");
        }
        var path = $"/dev/{vg}/{name}";
        return new ScratchBackend(Backend.Lvm, new MeasureTarget(path, "raw", IsBlock: true, path), sizeBytes, null, null, $"{vg}/{name}", directIo: false);
    }

    /// <summary>Creates the scratch directory when missing (private, in the data directory) and writes this process's owner marker into it.</summary>
    private string PrepareScratchDirectory()
    {
        var dir = ScratchDirectory;
        lock (_gate)
        {
            if (_marker is null)
            {
                if (_options.ScratchDirectory is null)
                {
                    DataDirectory.Sub("scratch");
                }
                var marker = Path.Combine(dir, ScratchNames.OwnerMarker(Environment.ProcessId));
                DurableFile.WritePrivate(marker, System.Text.Encoding.ASCII.GetBytes(ProcessIdentity.Current + "\n"));
                _marker = marker;
            }
        }
        return dir;
    }

    private static long DeviceSize(string device)
    {
        var status = LinuxFile.Stat(device);
        var name = status is { IsBlockDevice: true } ? BlockDevices.KernelName(status.Rdev) : null;
        var sectors = name is null ? null : BlockDevices.ReadSys(name, "size");
        return sectors is not null && long.TryParse(sectors, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n * 512 : 0;
    }

    /// <summary>Disposes every backend this factory created that is still alive, and removes the owner marker.</summary>
    public void Dispose()
    {
        ScratchBackend[] created;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            created = [.. _created];
        }
        foreach (var backend in created)
        {
            backend.Dispose();
        }
        foreach (var file in _hostFiles.Values)
        {
            File.Delete(file);
        }
        _hostGate.Dispose();
        if (_marker is not null)
        {
            File.Delete(_marker);
        }
        LiveFactories.Remove(this);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A host tool failed while creating a backend (after the input was accepted).</summary>
public sealed class BackendException(string message) : Exception(message);

/// <summary>The factories alive in this process, for clean-up on a signal.</summary>
internal static class LiveFactories
{
    private static readonly HashSet<BackendFactory> Set = [];
    private static readonly Lock Gate = new();

    public static void Add(BackendFactory factory)
    {
        lock (Gate)
        {
            Set.Add(factory);
        }
    }

    public static void Remove(BackendFactory factory)
    {
        lock (Gate)
        {
            Set.Remove(factory);
        }
    }

    public static BackendFactory[] Snapshot()
    {
        lock (Gate)
        {
            return [.. Set];
        }
    }
}
