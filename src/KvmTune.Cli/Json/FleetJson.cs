using KvmTune.Core.Fleet;

namespace KvmTune.Cli.Json;

/// <summary><c>fleet report --format json</c>: the report as typed records (JsonConvention).</summary>
internal sealed record FleetReportJson(string Store, DateTimeOffset Generated, double StaleAfterDays, IReadOnlyList<FleetGroupJson> Groups)
{
    public static FleetReportJson From(FleetReport r) => new(
        r.Store, r.Generated, r.StaleAfter.TotalDays, [.. r.Groups.Select(FleetGroupJson.From)]);
}

internal sealed record FleetFingerprintJson(string Hash, string Text, string Model, string Rotational, string FileSystem, string Kernel, string Qemu, string Libvirt);

internal sealed record FleetGroupJson(FleetFingerprintJson Fingerprint, string? Decision, IReadOnlyList<string> Equivalent, int DecidedFrom, IReadOnlyList<FleetHostJson> Hosts)
{
    public static FleetGroupJson From(FleetGroup g) => new(
        new FleetFingerprintJson(g.Fingerprint.Hash, g.Fingerprint.Text, g.Fingerprint.Model, g.Fingerprint.Rotational, g.Fingerprint.FileSystem,
            g.Fingerprint.Kernel, g.Fingerprint.Qemu, g.Fingerprint.Libvirt),
        g.Winner?.Id,
        [.. (g.Decision?.Tie ?? []).Select(c => c.Id)],
        g.DecidedFrom,
        [.. g.Hosts.Select(FleetHostJson.From)]);
}

/// <summary>A host's winner over the group's on the host's own figures, with its 95% interval.</summary>
internal sealed record FleetRatioJson(double Ratio, double Low, double High, bool Significant);

internal sealed record FleetSettingJson(string Origin, string Where, string? Cache, string? Io);

internal sealed record FleetHostJson(
    string Host, string MachineId, long? RunId, DateTimeOffset? LastRun, bool Stale, string? OwnDecision, FleetRatioJson? OwnOverGroup,
    DateTimeOffset? Collected, IReadOnlyList<FleetSettingJson> Settings, IReadOnlyList<FleetSettingJson> Drift, int LintErrors, int LintWarnings)
{
    public static FleetHostJson From(FleetHost h) => new(
        h.Host, h.MachineId, h.RunId, h.LastRun, h.Stale, h.Comparison?.HostWinner?.Id,
        h.Comparison is { HostOverGroup: { } r } c ? new FleetRatioJson(r.Ratio, r.Low, r.High, c.Significant) : null,
        h.Collected, [.. h.Settings.Select(Setting)], [.. h.Drift.Select(Setting)], h.LintErrors, h.LintWarnings);

    private static FleetSettingJson Setting(SettingInForce s) => new(s.Origin, s.Where, s.Cache, s.Io);
}

/// <summary><c>fleet collect --format json</c>.</summary>
internal sealed record FleetCollectJson(string Store, long Id, string Host, string MachineId, string Fingerprint, string FingerprintText, IReadOnlyList<FleetSettingJson> Settings, int LintErrors, int LintWarnings, IReadOnlyList<string> LintCodes, IReadOnlyList<string> Notes);
