using System.Diagnostics;
using KvmTune.Core;
using KvmTune.Host.Files;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Devices;

/// <summary>
/// The device safety checks of DESIGN.md's safety model, run before KvmTune writes to a block device the user named.
/// A device is refused when it is mounted (itself or a partition: /proc/self/mountinfo), used as swap (/proc/swaps),
/// held by another device (/sys/class/block/NAME/holders: LVM, dm-crypt, md), or carries a partition table or a
/// filesystem/RAID/LVM signature (<c>blkid -p</c>, partitions in sysfs). The last two are overridden only when the
/// user repeats the device path in the destructive-confirmation flag; mounted, swap and held devices are refused
/// always (the kernel or LVM would refuse them anyway, half-way).
/// </summary>
public static class DeviceSafety
{
    /// <summary>The destructive-confirmation option: it must repeat the device path.</summary>
    public const string ConfirmOption = "--i-know-this-destroys";

    /// <summary>Throws <see cref="InputException"/> naming the device and the reason when it must not be written.</summary>
    /// <param name="device">The device path as given (<c>/dev/sdb</c>, <c>/dev/disk/by-id/…</c>).</param>
    /// <param name="confirmedDevice">The path repeated in the destructive-confirmation flag, or null.</param>
    public static void Check(string device, string? confirmedDevice) => Inspect(device, confirmedDevice);

    /// <summary>As <see cref="Check"/>, returning the resolved device node (<c>/dev/loop3</c>).</summary>
    public static string Inspect(string device, string? confirmedDevice)
    {
        if (!Path.Exists(device))
        {
            throw new InputException($"{device}: no such device");
        }
        var resolved = new FileInfo(device).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(device);
        var (mode, major, minor) = Posix.Node(resolved);
        if ((mode & Posix.SIfmt) != Posix.SIfblk)
        {
            throw new InputException($"{device}: not a block device");
        }
        var sys = SysBlock(major, minor) ?? throw new InputException($"{device}: block device {major}:{minor} not found in /sys/class/block");
        var name = Path.GetFileName(sys);
        var partitions = Directory.EnumerateDirectories(sys)
            .Where(d => File.Exists(Path.Combine(d, "partition")))
            .Select(d => (Name: Path.GetFileName(d), Dev: File.ReadAllText(Path.Combine(d, "dev")).Trim()))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        var self = (Name: name, Dev: $"{major}:{minor}");
        var all = new[] { self }.Concat(partitions).ToList();

        foreach (var mount in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = mount.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            var source = dash >= 0 && dash + 2 < fields.Length ? fields[dash + 2] : "";
            foreach (var (part, dev) in all)
            {
                if (fields.Length > 4 && (fields[2] == dev || source == $"/dev/{part}"))
                {
                    throw new InputException($"{device}: {(part == name ? "" : $"partition /dev/{part} ")}mounted at {Unescape(fields[4])}; refusing to write to it");
                }
            }
        }
        foreach (var swap in File.ReadLines("/proc/swaps").Skip(1))
        {
            var path = swap.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (path is null)
            {
                continue;
            }
            var swapName = Path.GetFileName(Path.Exists(path) ? new FileInfo(path).ResolveLinkTarget(true)?.FullName ?? path : path);
            if (all.Any(p => p.Name == swapName))
            {
                throw new InputException($"{device}: used as swap ({path}); refusing to write to it");
            }
        }
        foreach (var (part, _) in all)
        {
            var holdersDir = part == name ? Path.Combine(sys, "holders") : Path.Combine(sys, part, "holders");
            var holders = Directory.Exists(holdersDir) ? Directory.GetFileSystemEntries(holdersDir).Select(Path.GetFileName).ToList() : [];
            if (holders.Count > 0)
            {
                throw new InputException($"{device}: {(part == name ? "" : $"partition /dev/{part} ")}held by {string.Join(", ", holders)} (LVM, dm-crypt or md); refusing to write to it");
            }
        }

        var confirmed = confirmedDevice is not null && (confirmedDevice == device || (Path.Exists(confirmedDevice)
            && (new FileInfo(confirmedDevice).ResolveLinkTarget(true)?.FullName ?? Path.GetFullPath(confirmedDevice)) == resolved));
        if (confirmedDevice is not null && !confirmed)
        {
            // A confirmation naming another device is a slip of the user's: never guess which one was meant.
            throw new InputException($"{device}: {ConfirmOption} names {confirmedDevice}, another device; it must repeat the device path");
        }
        if (confirmed)
        {
            return resolved;
        }
        if (partitions.Count > 0)
        {
            throw new InputException($"{device}: has partitions ({string.Join(", ", partitions.Select(p => p.Name))}); to destroy them, repeat the device path: {ConfirmOption} {device}");
        }
        var signature = Signature(resolved);
        if (signature is not null)
        {
            throw new InputException($"{device}: carries a {signature} signature (it may hold data); to destroy it, repeat the device path: {ConfirmOption} {device}");
        }
        return resolved;
    }

    /// <summary>The signature blkid's low-level probe finds (<c>filesystem ext4</c>, <c>partition table gpt</c>), or null.</summary>
    public static string? Signature(string device)
    {
        var psi = new ProcessStartInfo("blkid", ["-p", "-o", "export", device])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InputException($"{device}: cannot run blkid to check for signatures");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InputException($"{device}: cannot run blkid to check for signatures ({e.Message}); refusing to write to an unchecked device", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            // blkid: exit 2 = nothing found; 0 = found; anything else = could not probe.
            if (process.ExitCode == 2)
            {
                return WipefsSignature(device);
            }
            if (process.ExitCode != 0)
            {
                throw new InputException($"{device}: blkid could not probe it (exit {process.ExitCode}: {error.Trim()}); refusing to write to an unchecked device");
            }
            var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
            if (values.TryGetValue("PTTYPE", out var pt))
            {
                return $"partition table {pt}";
            }
            if (values.TryGetValue("TYPE", out var type))
            {
                return values.TryGetValue("USAGE", out var usage) ? $"{usage} {type}" : type;
            }
            return "unknown";
        }
    }

    /// <summary>
    /// wipefs sees signatures blkid's probe stops short of (a second superblock, a backup GPT, RAID or LVM labels
    /// away from the start): the first one it lists, or null.
    /// </summary>
    private static string? WipefsSignature(string device)
    {
        var wipefs = HostProcess.Run("wipefs", ["--no-act", "--noheadings", "--output", "TYPE,OFFSET", device]);
        if (!wipefs.Succeeded)
        {
            throw new InputException($"{device}: wipefs could not probe it ({wipefs.Message}); refusing to write to an unchecked device");
        }
        var first = wipefs.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first is null ? null : string.Join(" at offset ", first.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string? SysBlock(uint major, uint minor)
    {
        var link = $"/sys/dev/block/{major}:{minor}";
        if (!Directory.Exists(link))
        {
            return null;
        }
        var target = new DirectoryInfo(link).ResolveLinkTarget(true)?.FullName;
        return target ?? link;
    }

    private static string Unescape(string mountPoint) =>
        mountPoint.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
