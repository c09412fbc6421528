using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Measurement;

/// <summary>
/// The bench run's images, created by a <see cref="BackendFactory"/> (scratch files, loop devices, a named device,
/// LVs). fio must never write into a qcow2 image, so the host engine of a qcow2 backend runs on a preallocated raw
/// file of the same size created beside it (one for all qcow2 backends of the run).
/// Every image is filled with data once when created: reads of never-written blocks (holes, unwritten extents,
/// unallocated qcow2 clusters) return zeros without touching the device and would report the page cache or the
/// file system instead of the storage (measured here: 259k IOPS "random reads" of a fresh fallocated file).
/// The price: first-write allocation costs of sparse images are not part of the figures (see docs/measurement.md).
/// </summary>
public sealed class BackendTargets(BackendFactory factory) : IScratchTargets
{
    private readonly Dictionary<(Backend, ImageOptions), MeasureTarget> _targets = [];
    private readonly List<ScratchBackend> _backends = [];
    private string? _hostRaw;

    public Task<MeasureTarget> CreateAsync(Backend backend, long sizeBytes, CancellationToken cancellationToken) =>
        CreateAsync(backend, ImageOptions.Default, sizeBytes, fill: true, hostCeiling: true, cancellationToken);

    public async Task<MeasureTarget> CreateAsync(Backend backend, ImageOptions creation, long sizeBytes, bool fill, bool hostCeiling, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(creation);
        if (_targets.TryGetValue((backend, creation), out var existing))
        {
            return existing;
        }
        var created = await factory.CreateAsync(backend, sizeBytes, creation, hostCeiling, cancellationToken).ConfigureAwait(false);
        _backends.Add(created);
        if (fill)
        {
            await created.FillAsync(cancellationToken).ConfigureAwait(false);
        }
        var target = created.Target;
        if (hostCeiling && target.Format == "qcow2" && target.BackingPath == target.Path)
        {
            if (_hostRaw is null)
            {
                var raw = await factory.CreateAsync(Backend.RawPrealloc, sizeBytes, cancellationToken).ConfigureAwait(false);
                _backends.Add(raw);
                await raw.FillAsync(cancellationToken).ConfigureAwait(false);
                _hostRaw = raw.Target.BackingPath;
            }
            target = target with { BackingPath = _hostRaw };
        }
        _targets[(backend, creation)] = target;
        return target;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync().ConfigureAwait(false);
        }
        _backends.Clear();
        _targets.Clear();
    }
}
