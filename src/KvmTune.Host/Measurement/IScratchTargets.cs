using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Measurement;

/// <summary>Creates the scratch image of each backend a bench run measures, and removes them all when disposed.</summary>
public interface IScratchTargets : IAsyncDisposable
{
    /// <summary>Creates (once) and returns the image for <paramref name="backend"/>.</summary>
    Task<MeasureTarget> CreateAsync(Backend backend, long sizeBytes, CancellationToken cancellationToken);
}
