using System.Globalization;
using CliWrap;
using CliWrap.Buffered;
using KvmTune.Core;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Measurement;

/// <summary>
/// Scratch images in a directory KvmTune creates for the run (<c>kvmtune-bench-*</c>) and deletes afterwards:
/// qcow2 (sparse, preallocation=metadata, preallocation=falloc), raw (sparse, preallocated with fallocate) and a loop
/// device over a preallocated raw file. qcow2 targets get a preallocated raw sibling as their host-engine backing
/// file, so fio never writes into a qcow2 image. User devices and volume groups are not created here.
/// </summary>
public sealed class ScratchImages : IScratchTargets
{
    private readonly Dictionary<Backend, MeasureTarget> _created = [];
    private readonly List<string> _loopDevices = [];
    private string? _hostRaw;

    private ScratchImages(string directory) => Directory = directory;

    /// <summary>The run's own scratch directory.</summary>
    public string Directory { get; }

    /// <summary>Creates a fresh scratch directory under <paramref name="parent"/> (created when missing).</summary>
    public static ScratchImages Create(string parent)
    {
        System.IO.Directory.CreateDirectory(parent);
        var dir = Path.Combine(Path.GetFullPath(parent), $"kvmtune-bench-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        System.IO.Directory.CreateDirectory(dir);
        return new ScratchImages(dir);
    }

    public async Task<MeasureTarget> CreateAsync(Backend backend, long sizeBytes, CancellationToken cancellationToken)
    {
        if (_created.TryGetValue(backend, out var existing))
        {
            return existing;
        }
        var path = Path.Combine(Directory, backend.ToName() + "." + backend.Format());
        MeasureTarget target;
        switch (backend)
        {
            case Backend.Qcow2Sparse or Backend.Qcow2Metadata or Backend.Qcow2Falloc:
                var preallocation = backend switch { Backend.Qcow2Metadata => "metadata", Backend.Qcow2Falloc => "falloc", _ => "off" };
                await QemuImgCreateAsync("qcow2", preallocation, path, sizeBytes, cancellationToken).ConfigureAwait(false);
                target = new MeasureTarget(path, "qcow2", false, await HostRawAsync(sizeBytes, cancellationToken).ConfigureAwait(false));
                break;
            case Backend.RawSparse or Backend.RawPrealloc:
                await QemuImgCreateAsync("raw", backend == Backend.RawPrealloc ? "falloc" : "off", path, sizeBytes, cancellationToken).ConfigureAwait(false);
                target = new MeasureTarget(path, "raw", false, path);
                break;
            case Backend.Loop:
                await QemuImgCreateAsync("raw", "falloc", path, sizeBytes, cancellationToken).ConfigureAwait(false);
                var losetup = HostTools.Require("losetup");
                // direct-io on the loop device: its backing file's page cache would otherwise cache every block twice.
                var result = await Cli.Wrap(losetup).WithArguments(["--find", "--show", "--direct-io=on", path])
                    .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
                if (result.ExitCode != 0)
                {
                    throw new InputException($"--backend loop: losetup failed ({result.StandardError.Trim()}); the loop backend needs root");
                }
                var device = result.StandardOutput.Trim();
                _loopDevices.Add(device);
                target = new MeasureTarget(device, "raw", true, device);
                break;
            default:
                throw new InputException($"--backend {backend.ToName()}: not available in this build (needs --device or --vg support)");
        }
        _created[backend] = target;
        return target;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var device in _loopDevices)
        {
            await Cli.Wrap(HostTools.Find("losetup") ?? "losetup").WithArguments(["--detach", device])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync().ConfigureAwait(false);
        }
        _loopDevices.Clear();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private async Task<string> HostRawAsync(long sizeBytes, CancellationToken cancellationToken)
    {
        if (_hostRaw is null)
        {
            var path = Path.Combine(Directory, "host-ceiling.raw");
            await QemuImgCreateAsync("raw", "falloc", path, sizeBytes, cancellationToken).ConfigureAwait(false);
            _hostRaw = path;
        }
        return _hostRaw;
    }

    private static async Task QemuImgCreateAsync(string format, string preallocation, string path, long sizeBytes, CancellationToken cancellationToken)
    {
        var qemuImg = HostTools.Require("qemu-img");
        var result = await Cli.Wrap(qemuImg)
            .WithArguments(["create", "-q", "-f", format, "-o", $"preallocation={preallocation}", path, sizeBytes.ToString(CultureInfo.InvariantCulture)])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"qemu-img create {path} failed: {result.StandardError.Trim()}");
        }
    }
}
