using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KvmTune.Core.Measurement;

namespace KvmTune.Core.Fleet;

/// <summary>
/// What makes two hosts' measurements comparable: the storage under the data directory (device model, rotational or
/// not, file system) and the software between a guest and it (kernel, QEMU, libvirt). Hosts with the same fingerprint
/// form one group in <c>fleet report</c>. Unknown parts are empty and still part of the fingerprint.
/// </summary>
public sealed record StorageFingerprint(string Model, string Rotational, string FileSystem, string Kernel, string Qemu, string Libvirt)
{
    /// <summary>The stable text the hash is taken over: <c>key=value</c> pairs joined by <c>;</c>, in a fixed order.</summary>
    public string Text => string.Join(';',
        $"model={Model}", $"rotational={Rotational}", $"fs={FileSystem}", $"kernel={Kernel}", $"qemu={Qemu}", $"libvirt={Libvirt}");

    /// <summary>The first 12 hex digits of SHA-256 over <see cref="Text"/>: short enough for a table, stable across versions.</summary>
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))[..12];

    /// <summary>A short human description: <c>Samsung SSD 980 (ssd, ext4), kernel 6.1.0-18-amd64, QEMU 7.2.22, libvirt 9.0.0</c>.</summary>
    public string Describe() => string.Format(
        CultureInfo.InvariantCulture,
        "{0} ({1}, {2}), kernel {3}, QEMU {4}, libvirt {5}",
        Or(Model), Rotational switch { "yes" => "rotational", "no" => "ssd", _ => "rotational?" }, Or(FileSystem), Or(Kernel), Or(Qemu), Or(Libvirt));

    /// <summary>The fingerprint in a run's (or a collected state's) host facts.</summary>
    public static StorageFingerprint FromFacts(IEnumerable<KeyValuePair<string, string>> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var map = Last(facts);
        return new StorageFingerprint(
            map.GetValueOrDefault(HostFactKeys.StorageModel, ""),
            map.GetValueOrDefault(HostFactKeys.StorageRotational, ""),
            map.GetValueOrDefault(HostFactKeys.StorageFileSystem, ""),
            map.GetValueOrDefault(HostFactKeys.Kernel, ""),
            map.GetValueOrDefault(HostFactKeys.QemuVersion, ""),
            map.GetValueOrDefault(HostFactKeys.LibvirtVersion, ""));
    }

    internal static Dictionary<string, string> Last(IEnumerable<KeyValuePair<string, string>> facts)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in facts)
        {
            map[key] = value;
        }
        return map;
    }

    private static string Or(string text) => text.Length == 0 ? "?" : text;
}

/// <summary>
/// Which host a run or a collected state came from: its name, its <c>/etc/machine-id</c> (what tells hosts apart when
/// names are reused) and its <see cref="StorageFingerprint"/>.
/// </summary>
/// <param name="HostName">The host's name.</param>
/// <param name="MachineId">/etc/machine-id, or empty when unknown (runs stored before it was recorded).</param>
/// <param name="Storage">The storage fingerprint.</param>
public sealed record HostIdentity(string HostName, string MachineId, StorageFingerprint Storage)
{
    /// <summary>What identifies the host in a fleet: its machine id, else (older runs) its name.</summary>
    public string Key => MachineId.Length > 0 ? MachineId : $"name:{HostName}";

    public static HostIdentity FromFacts(IEnumerable<KeyValuePair<string, string>> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var list = facts as IReadOnlyCollection<KeyValuePair<string, string>> ?? [.. facts];
        var map = StorageFingerprint.Last(list);
        return new HostIdentity(
            map.GetValueOrDefault(HostFactKeys.Hostname, ""),
            map.GetValueOrDefault(HostFactKeys.MachineId, ""),
            StorageFingerprint.FromFacts(list));
    }

    /// <summary>The facts a store keeps for the identity (what <see cref="FromFacts"/> reads back).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToFacts() =>
    [
        new(HostFactKeys.Hostname, HostName),
        new(HostFactKeys.MachineId, MachineId),
        new(HostFactKeys.StorageModel, Storage.Model),
        new(HostFactKeys.StorageRotational, Storage.Rotational),
        new(HostFactKeys.StorageFileSystem, Storage.FileSystem),
        new(HostFactKeys.Kernel, Storage.Kernel),
        new(HostFactKeys.QemuVersion, Storage.Qemu),
        new(HostFactKeys.LibvirtVersion, Storage.Libvirt),
    ];

    /// <summary>The fact keys an identity is read from.</summary>
    public static IReadOnlyList<string> FactKeys { get; } =
    [
        HostFactKeys.Hostname, HostFactKeys.MachineId, HostFactKeys.StorageModel, HostFactKeys.StorageRotational,
        HostFactKeys.StorageFileSystem, HostFactKeys.Kernel, HostFactKeys.QemuVersion, HostFactKeys.LibvirtVersion,
    ];
}
