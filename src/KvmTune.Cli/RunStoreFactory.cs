using KvmTune.Core.Measurement;

namespace KvmTune.Cli;

/// <summary>
/// Opens the results store: the file a command's <c>--store</c> names, or the default store in the data directory
/// (null). The composition root registers the SQLite store.
/// </summary>
internal sealed class RunStoreFactory(Func<string?, IRunStore> open)
{
    public IRunStore Open(string? path) => open(path);
}
