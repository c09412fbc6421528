using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

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
        if (db is null && !File.Exists(RunStores.DefaultPath))
        {
            return [];
        }
        using var store = RunStores.OpenForReading(db);
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
