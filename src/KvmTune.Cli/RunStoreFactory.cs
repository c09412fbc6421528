using KvmTune.Core.Measurement;

namespace KvmTune.Cli;

/// <summary>Opens the results store. The composition root registers the SQLite store in the data directory.</summary>
internal sealed class RunStoreFactory(Func<IRunStore> open)
{
    public IRunStore Open() => open();
}
