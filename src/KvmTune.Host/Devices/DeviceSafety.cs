using KvmTune.Core;
using KvmTune.Host.Native;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Devices;

/// <summary>
/// The device safety checks of DESIGN.md's safety model, run before KvmTune writes to a block device the user named.
/// The device is resolved to its identity (major:minor) and to every alias a write to it reaches
/// (<see cref="DeviceAliases"/>); it is refused — always, with no override — when it or any alias is mounted
/// (/proc/self/mountinfo), used as swap (/proc/swaps), held by a dm/md/LVM device (sysfs holders) or refused an
/// exclusive open by the kernel (mounted in another mount namespace). A device that only carries a partition table
/// or a filesystem/RAID/LVM signature (<c>blkid -p</c>, <c>wipefs</c>, partitions in sysfs) is refused unless the user
/// repeats its path in the destructive-confirmation option.
/// </summary>
public static class DeviceSafety
{
    /// <summary>The destructive-confirmation option of <c>bench</c> and <c>nova lvm-setup</c>: it must repeat the device path.</summary>
    public const string ConfirmOption = "--confirm-device";

    /// <summary>Throws <see cref="InputException"/> naming the device and the reason when it must not be written.</summary>
    /// <param name="device">The device path as given (<c>/dev/sdb</c>, <c>/dev/disk/by-id/…</c>).</param>
    /// <param name="confirmedDevice">The path repeated in the destructive-confirmation option, or null.</param>
    public static void Check(string device, string? confirmedDevice) => Inspect(device, confirmedDevice);

    /// <summary>As <see cref="Check"/>, returning the resolved device node (<c>/dev/loop3</c>).</summary>
    public static string Inspect(string device, string? confirmedDevice)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!Path.Exists(device))
        {
            throw new InputException($"{device}: no such device");
        }
        var status = LinuxFile.Stat(device) ?? throw new InputException($"{device}: cannot stat it");
        if (!status.IsBlockDevice)
        {
            throw new InputException($"{device}: not a block device");
        }
        var name = BlockDevices.KernelName(status.Rdev)
            ?? throw new InputException($"{device}: block device {status.Rdev} not found in /sys/dev/block");
        var resolved = $"/dev/{name}";
        var aliases = DeviceAliases.Resolve(name);
        RefuseInUse(device, aliases);

        var confirmed = confirmedDevice is not null && (confirmedDevice == device
            || (LinuxFile.Stat(confirmedDevice) is { IsBlockDevice: true } other && other.Rdev == status.Rdev));
        if (confirmedDevice is not null && !confirmed)
        {
            // A confirmation naming another device is a slip of the user's: never guess which one was meant.
            throw new InputException($"{device}: {ConfirmOption} names {confirmedDevice}, another device; it must repeat the device path");
        }
        if (confirmed)
        {
            return resolved;
        }
        var partitions = BlockDevices.Partitions(name);
        if (partitions.Count > 0)
        {
            throw new InputException($"{device}: has partitions ({string.Join(", ", partitions)}); to destroy them, repeat the device path: {ConfirmOption} {device}");
        }
        var signature = Signature(resolved);
        if (signature is not null)
        {
            throw new InputException($"{device}: carries a {signature} signature (it may hold data); to destroy it, repeat the device path: {ConfirmOption} {device}");
        }
        return resolved;
    }

    /// <summary>Refuses the device when it or an alias is mounted, swap or held: no option overrides this.</summary>
    private static void RefuseInUse(string device, IReadOnlyList<DeviceAlias> aliases)
    {
        var byNumber = aliases.ToDictionary(a => a.MajorMinor, StringComparer.Ordinal);
        var names = aliases.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        string Subject(DeviceAlias alias) => alias.Relation.Length == 0 ? "" : $"{alias.Description} is ";

        foreach (var mount in BlockDevices.Mounts())
        {
            // The mount's device number, or its source when that is a device node (btrfs reports an anonymous 0:N).
            var hit = byNumber.GetValueOrDefault(mount.MajorMinor)
                ?? (mount.Source.StartsWith('/') && LinuxFile.Stat(mount.Source) is { IsBlockDevice: true } source ? byNumber.GetValueOrDefault(source.Rdev) : null);
            if (hit is not null)
            {
                throw new InputException($"{device}: {Subject(hit)}mounted at {mount.MountPoint}; refusing to write to it");
            }
        }
        foreach (var swap in BlockDevices.Swaps())
        {
            if (LinuxFile.Stat(swap) is { IsBlockDevice: true } node && byNumber.GetValueOrDefault(node.Rdev) is { } hit)
            {
                throw new InputException($"{device}: {Subject(hit)}used as swap ({swap}); refusing to write to it");
            }
        }
        foreach (var alias in aliases.Where(a => a.Reach == AliasReach.Whole))
        {
            var holders = BlockDevices.Holders(alias.Name).Where(h => !names.Contains(h)).ToList();
            if (holders.Count > 0)
            {
                throw new InputException($"{device}: {Subject(alias)}held by {string.Join(", ", holders)} (LVM, dm-crypt or md); refusing to write to it");
            }
        }
        foreach (var alias in aliases.Where(a => a.Reach == AliasReach.Whole))
        {
            // The kernel's own view, which also sees mounts of other mount namespaces.
            if (File.Exists(alias.Node) && LinuxFile.Stat(alias.Node) is { IsBlockDevice: true } node && node.Rdev == alias.MajorMinor
                && LinuxFile.ExclusiveOpenRefusal(alias.Node) is { } refusal)
            {
                throw new InputException($"{device}: {Subject(alias)}{refusal}; refusing to write to it");
            }
        }
    }

    /// <summary>The signature blkid's low-level probe finds (<c>filesystem ext4</c>, <c>partition table gpt</c>), or null.</summary>
    public static string? Signature(string device)
    {
        ToolResult result;
        try
        {
            result = ToolRunner.Run(ToolCommand.For("blkid").WithArguments(["-p", "-o", "export", "--", device]).WithTimeout(TimeSpan.FromMinutes(2)));
        }
        catch (MissingToolException e)
        {
            throw new InputException($"{device}: cannot check it for signatures ({e.Message}); refusing to write to an unchecked device", e);
        }
        // blkid: exit 2 = nothing found; 0 = found; anything else = could not probe.
        if (result.ExitCode == 2 && !result.TimedOut)
        {
            return WipefsSignature(device);
        }
        if (!result.Succeeded)
        {
            throw new InputException($"{device}: blkid could not probe it (exit {result.ExitCode}: {result.Message}); refusing to write to an unchecked device");
        }
        var values = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        if (values.TryGetValue("PTTYPE", out var pt))
        {
            return $"partition table {pt}";
        }
        if (values.TryGetValue("TYPE", out var type))
        {
            return values.TryGetValue("USAGE", out var usage) ? $"{usage} {type}" : type;
        }
        // A partition's own entry in its disk's table (PART_ENTRY_*) says where it is, not what it holds.
        return values.Keys.All(k => k is "DEVNAME" || k.StartsWith("PART_ENTRY_", StringComparison.Ordinal)) ? WipefsSignature(device) : "unknown";
    }

    /// <summary>
    /// wipefs sees signatures blkid's probe stops short of (a second superblock, a backup GPT, RAID or LVM labels
    /// away from the start): the first one it lists, or null.
    /// </summary>
    private static string? WipefsSignature(string device)
    {
        var wipefs = ToolRunner.Run(ToolCommand.For("wipefs").WithArguments(["--no-act", "--noheadings", "--output", "TYPE,OFFSET", "--", device])
            .WithTimeout(TimeSpan.FromMinutes(2)));
        if (!wipefs.Succeeded)
        {
            throw new InputException($"{device}: wipefs could not probe it ({wipefs.Message}); refusing to write to an unchecked device");
        }
        var first = wipefs.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first is null ? null : string.Join(" at offset ", first.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
