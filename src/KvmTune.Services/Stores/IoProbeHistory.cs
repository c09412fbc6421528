using KvmTune.Core;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Storage;

namespace KvmTune.Services.Stores;

/// <summary>
/// The io probe's latest results on this host, from the results store: what lint and explain cite for KT022 when they
/// read the domains of a local libvirt (a remote host's storage was not probed here).
/// </summary>
public static class IoProbeHistory
{
    /// <summary>The io probe checks of the newest stored run measured on <paramref name="hostName"/>; empty when none.</summary>
    public static IReadOnlyList<IoModeCheck> Latest(string? db, string hostName, int runs = 20)
    {
        if (RunStores.Resolve(db) is null && !File.Exists(RunStores.DefaultPath))
        {
            return [];
        }
        SqlRunStore? opened;
        try
        {
            opened = RunStores.OpenForReading(db);
        }
        catch (HostFailureException)
        {
            // A shared store that cannot be reached now: the io probe's results are a citation, not a necessity.
            return [];
        }
        using var store = opened;
        if (store is null)
        {
            return [];
        }
        foreach (var run in store.ListRuns(runs))
        {
            if (store.LoadResults(run.Id) is not { } loaded)
            {
                continue;
            }
            var host = loaded.Facts.LastOrDefault(f => f.Key == HostFactKeys.Hostname).Value;
            var checks = IoModeCheck.FromFacts(loaded.Facts);
            if (host == hostName && checks.Count > 0)
            {
                return checks;
            }
        }
        return [];
    }
}
