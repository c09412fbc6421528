using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Measurement;

/// <summary>
/// The bench run's images, created by a <see cref="BackendFactory"/> (scratch files, loop devices, a named device,
/// LVs). fio must never write into a qcow2 image, so the host engine of a qcow2 backend runs on a preallocated raw
/// file of the same size created beside it (one for all qcow2 backends of the run).
/// </summary>
public sealed class BackendTargets(BackendFactory factory) : IScratchTargets
{
    private readonly Dictionary<Backend, MeasureTarget> _targets = [];
    private readonly List<ScratchBackend> _backends = [];
    private string? _hostRaw;

    public async Task<MeasureTarget> CreateAsync(Backend backend, long sizeBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (_targets.TryGetValue(backend, out var existing))
        {
            return existing;
        }
        var created = await factory.CreateAsync(backend, sizeBytes, cancellationToken).ConfigureAwait(false);
        _backends.Add(created);
        var target = created.Target;
        if (target.Format == "qcow2" && target.BackingPath == target.Path)
        {
            if (_hostRaw is null)
            {
                var raw = await factory.CreateAsync(Backend.RawPrealloc, sizeBytes, cancellationToken).ConfigureAwait(false);
                _backends.Add(raw);
                _hostRaw = raw.Target.BackingPath;
            }
            target = target with { BackingPath = _hostRaw };
        }
        _targets[backend] = target;
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
