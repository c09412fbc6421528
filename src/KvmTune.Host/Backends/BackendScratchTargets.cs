using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Measurement;

namespace KvmTune.Host.Backends;

/// <summary>
/// The bench runner's <see cref="IScratchTargets"/> over <see cref="BackendFactory"/>: one backend per kind, created
/// on first use with KvmTune's names and owner marker (so a killed run's leftovers are found), every backend
/// including <c>--device</c> and <c>--vg</c>, and all of them removed on dispose or on a signal. Opening it first
/// removes what killed runs left behind (<see cref="BackendJanitor"/>).
/// </summary>
public sealed class BackendScratchTargets : IScratchTargets
{
    private readonly Dictionary<Backend, ScratchBackend> _created = [];
    private readonly Dictionary<(Backend, ImageOptions, bool), ScratchBackend> _withOptions = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public BackendScratchTargets(BackendOptions options)
    {
        Factory = new BackendFactory(options);
        LeftoversRemoved = BackendJanitor.CleanLeftovers([Factory.ScratchDirectory]);
    }

    /// <summary>The factory behind the targets (validation, scratch directory).</summary>
    public BackendFactory Factory { get; }

    /// <summary>What the janitor removed when this opened (one line each).</summary>
    public IReadOnlyList<string> LeftoversRemoved { get; }

    /// <summary>The backends created so far.</summary>
    public IReadOnlyDictionary<Backend, ScratchBackend> Created => _created;

    public async Task<MeasureTarget> CreateAsync(Backend backend, long sizeBytes, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_created.TryGetValue(backend, out var created))
            {
                created = await Factory.CreateAsync(backend, sizeBytes, cancellationToken).ConfigureAwait(false);
                _created[backend] = created;
            }
            return created.Target;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// An image of <paramref name="backend"/> created with <paramref name="creation"/>, once per pair. These targets never
    /// fill an image (<paramref name="fill"/> is the bench runner's <see cref="BackendTargets"/>'s concern).
    /// </summary>
    public async Task<MeasureTarget> CreateAsync(Backend backend, ImageOptions creation, long sizeBytes, bool fill, bool hostCeiling, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(creation);
        if (creation.IsDefault && hostCeiling)
        {
            return await CreateAsync(backend, sizeBytes, cancellationToken).ConfigureAwait(false);
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_withOptions.TryGetValue((backend, creation, hostCeiling), out var created))
            {
                created = await Factory.CreateAsync(backend, sizeBytes, creation, hostCeiling, cancellationToken).ConfigureAwait(false);
                _withOptions[(backend, creation, hostCeiling)] = created;
            }
            return created.Target;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
