using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Measurement;

/// <summary>Creates the scratch image of each backend a bench run measures, and removes them all when disposed.</summary>
public interface IScratchTargets : IAsyncDisposable
{
    /// <summary>Creates (once) and returns the image for <paramref name="backend"/>.</summary>
    Task<MeasureTarget> CreateAsync(Backend backend, long sizeBytes, CancellationToken cancellationToken);

    /// <summary>
    /// Creates (once per backend and creation options) and returns the image for <paramref name="backend"/> created with
    /// <paramref name="creation"/> (qcow2 cluster size, extended L2). <paramref name="fill"/>: write data over the whole
    /// image first (reads then reach the storage); <paramref name="hostCeiling"/>: a qcow2 image needs a raw file of
    /// its size beside it for the host engine.
    /// </summary>
    Task<MeasureTarget> CreateAsync(Backend backend, ImageOptions creation, long sizeBytes, bool fill, bool hostCeiling, CancellationToken cancellationToken);
}
