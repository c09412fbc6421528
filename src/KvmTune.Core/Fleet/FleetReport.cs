using KvmTune.Core.Decisions;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Fleet;

/// <summary>One host in a group of <c>fleet report</c>.</summary>
/// <param name="Host">The host's name.</param>
/// <param name="MachineId">/etc/machine-id, or empty for runs stored before it was.</param>
/// <param name="RunId">Its newest completed run, or null when it has none (only a collected state).</param>
/// <param name="LastRun">When that run started.</param>
/// <param name="Stale">True when it has no run newer than the report's <c>--stale-after</c>: left out of the group decision.</param>
/// <param name="Comparison">Its own decision against the group's, or null when it has no run.</param>
/// <param name="Collected">When <c>fleet collect</c> last stored its settings in force, or null.</param>
/// <param name="Settings">The settings in force it reported (empty when never collected).</param>
/// <param name="Drift">Those that differ from the group decision's cache or io mode.</param>
/// <param name="LintErrors">Lint errors over its domains when collected.</param>
/// <param name="LintWarnings">Lint warnings over its domains when collected.</param>
public sealed record FleetHost(
    string Host,
    string MachineId,
    long? RunId,
    DateTimeOffset? LastRun,
    bool Stale,
    HostComparison? Comparison,
    DateTimeOffset? Collected,
    IReadOnlyList<SettingInForce> Settings,
    IReadOnlyList<SettingInForce> Drift,
    int LintErrors,
    int LintWarnings);

/// <summary>Hosts with one storage fingerprint, and the decision from all their (recent) results.</summary>
/// <param name="Fingerprint">The storage fingerprint.</param>
/// <param name="Hosts">The group's hosts, by name.</param>
/// <param name="Decision">The decision with the hosts as blocks, or null when no host has a recent run.</param>
/// <param name="DecidedFrom">How many hosts' runs the decision pooled.</param>
public sealed record FleetGroup(StorageFingerprint Fingerprint, IReadOnlyList<FleetHost> Hosts, Decision? Decision, int DecidedFrom)
{
    public Candidate? Winner => Decision?.Winner;
}

/// <summary>What <c>fleet report</c> shows: groups of hosts by storage fingerprint, largest first.</summary>
/// <param name="Store">The store read (a path, or a URL without its password).</param>
/// <param name="Generated">When the report was made.</param>
/// <param name="StaleAfter">A host without a run newer than this is stale.</param>
/// <param name="Groups">The groups.</param>
public sealed record FleetReport(string Store, DateTimeOffset Generated, TimeSpan StaleAfter, IReadOnlyList<FleetGroup> Groups);
