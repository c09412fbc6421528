namespace KvmTune.Core.Fleet;

/// <summary>One disk setting in force on a host, as <c>fleet collect</c> found it.</summary>
/// <param name="Origin"><c>nova</c> (what nova.conf makes nova write for its configured image backend) or <c>libvirt</c> (a defined domain's disk).</param>
/// <param name="Where">The nova case (<c>image:qcow2</c>) or the domain and target (<c>instance-0001/vda</c>).</param>
/// <param name="Cache">The cache mode in effect, libvirt's spelling (<c>none</c>), or null when unknown.</param>
/// <param name="Io">The io mode in effect (<c>native</c>, <c>io_uring</c>, <c>threads</c>), or null when unknown.</param>
public sealed record SettingInForce(string Origin, string Where, string? Cache, string? Io);

/// <summary>
/// What <c>fleet collect</c> stores per host: the disk settings in force (summaries of <c>nova explain</c> and of the
/// local domains' <c>explain</c>) and how many lint findings the domains have, by severity and code.
/// </summary>
/// <param name="Settings">The settings in force.</param>
/// <param name="LintErrors">Lint findings of severity error over the host's domains.</param>
/// <param name="LintWarnings">Lint findings of severity warning.</param>
/// <param name="LintCodes">The distinct rule codes found, sorted.</param>
/// <param name="Notes">What could not be read (no nova.conf, libvirt unreachable), one line each.</param>
public sealed record HostState(
    IReadOnlyList<SettingInForce> Settings,
    int LintErrors,
    int LintWarnings,
    IReadOnlyList<string> LintCodes,
    IReadOnlyList<string> Notes);
