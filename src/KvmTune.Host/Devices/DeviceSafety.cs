using KvmTune.Core;
using KvmTune.Host.Native;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Devices;

/// <summary>
/// The gate in front of every write to a block device the user named (DESIGN.md, safety model): the device is
/// refused when it is not a block device, is mounted (or a partition of it is), is used as swap, is held by another
/// device, or carries a partition table or file system signature. Only the last check can be overridden, by a
/// destructive-confirmation flag that repeats the exact device path.
/// </summary>
public static class DeviceSafety
{
    /// <summary>The option that repeats the device path to confirm its data may be destroyed.</summary>
    public const string ConfirmOption = "--confirm-device";

    /// <summary>Throws <see cref="InputException"/> naming the reason when <paramref name="device"/> must not be written.</summary>
    /// <param name="device">The device path the user named (<c>/dev/sdb</c>).</param>
    /// <param name="confirmedDevice">The value of the destructive-confirmation flag, or null.</param>
    public static void Check(string device, string? confirmedDevice)
    {
        if (string.IsNullOrWhiteSpace(device))
        {
            throw new InputException("no device named");
        }
        if (confirmedDevice is not null && confirmedDevice != device)
        {
            throw new InputException($"{ConfirmOption} names '{confirmedDevice}', not the device '{device}'; it must repeat the exact path");
        }
        var status = LinuxFile.Stat(device) ?? throw new InputException($"device {device}: does not exist");
        if (!status.IsBlockDevice)
        {
            throw new InputException($"device {device}: not a block device");
        }
        var name = BlockDevices.KernelName(status.Rdev)
            ?? throw new InputException($"device {device}: no entry for {status.Rdev} under /sys/dev/block");

        // The whole device and its partitions: a mounted or swapped partition makes the whole device busy.
        var members = new Dictionary<string, string>(StringComparer.Ordinal) { [status.Rdev] = name };
        foreach (var partition in BlockDevices.Partitions(name))
        {
            if (BlockDevices.MajorMinor(partition) is { } number)
            {
                members[number] = partition;
            }
        }

        foreach (var mount in BlockDevices.Mounts())
        {
            var number = members.ContainsKey(mount.MajorMinor) ? mount.MajorMinor : BlockDevices.DeviceNumberOf(mount.Source);
            if (number is not null && members.TryGetValue(number, out var mounted))
            {
                throw new InputException($"device {device}: mounted at {mount.MountPoint} (as /dev/{mounted})");
            }
        }
        foreach (var swap in BlockDevices.Swaps())
        {
            if (BlockDevices.DeviceNumberOf(swap) is { } number && members.TryGetValue(number, out var swapped))
            {
                throw new InputException($"device {device}: in use as swap (/dev/{swapped})");
            }
        }
        foreach (var member in members.Values)
        {
            var holders = BlockDevices.Holders(member);
            if (holders.Count > 0)
            {
                throw new InputException($"device {device}: held by {string.Join(", ", holders)} (/sys/class/block/{member}/holders; device-mapper, LVM or RAID uses it)");
            }
        }

        var signatures = Signatures(device, name);
        if (signatures.Count > 0 && confirmedDevice != device)
        {
            throw new InputException(
                $"device {device}: carries {string.Join(", ", signatures)}; its data would be destroyed (pass {ConfirmOption} {device} to overwrite it)");
        }
    }

    /// <summary>Partition tables and file system signatures found by <c>blkid -p</c> and <c>wipefs -n</c>, plus existing partitions.</summary>
    private static List<string> Signatures(string device, string kernelName)
    {
        var found = new List<string>();
        var partitions = BlockDevices.Partitions(kernelName);
        if (partitions.Count > 0)
        {
            found.Add($"partitions {string.Join(", ", partitions)}");
        }

        // blkid: exit 0 = something found, 2 = nothing found, anything else = it could not look.
        var blkid = HostProcess.Run("blkid", ["-p", "-o", "export", device]);
        if (blkid.ExitCode == 0)
        {
            foreach (var line in blkid.StandardOutput.Split('\n', StringSplitOptions.TrimEntries))
            {
                if (line.StartsWith("TYPE=", StringComparison.Ordinal))
                {
                    found.Add($"a {line[5..]} file system signature");
                }
                else if (line.StartsWith("PTTYPE=", StringComparison.Ordinal))
                {
                    found.Add($"a {line[7..]} partition table");
                }
            }
            if (found.Count == 0)
            {
                found.Add("a signature blkid recognises");
            }
        }
        else if (blkid.ExitCode != 2)
        {
            throw new InputException($"device {device}: cannot check it for signatures: {blkid.Message}");
        }

        var wipefs = HostProcess.Run("wipefs", ["--no-act", "--noheadings", "--output", "TYPE,OFFSET", device]);
        if (!wipefs.Succeeded)
        {
            throw new InputException($"device {device}: cannot check it for signatures: {wipefs.Message}");
        }
        foreach (var line in wipefs.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var type = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            if (!found.Any(f => f.Contains($" {type} ", StringComparison.Ordinal)))
            {
                found.Add($"a {type} signature (wipefs)");
            }
        }
        return found;
    }
}
