using KvmTune.Host.Native;

namespace KvmTune.Host.Devices;

/// <summary>One line of /proc/self/mountinfo: the device number, the mount point and the mount source.</summary>
public sealed record MountEntry(string MajorMinor, string MountPoint, string FileSystem, string Source);

/// <summary>Reads what the kernel says about block devices: sysfs, mountinfo, /proc/swaps.</summary>
public static class BlockDevices
{
    /// <summary>True when the kernel has device-mapper (LVM needs it): /sys/module/dm_mod or /dev/mapper/control.</summary>
    public static bool DeviceMapperPresent => Directory.Exists("/sys/module/dm_mod") || File.Exists("/dev/mapper/control");

    /// <summary>The kernel name (<c>loop3</c>, <c>sda</c>, <c>dm-2</c>) of a device number, or null.</summary>
    public static string? KernelName(string majorMinor)
    {
        var link = $"/sys/dev/block/{majorMinor}";
        if (!Directory.Exists(link))
        {
            return null;
        }
        var target = new DirectoryInfo(link).ResolveLinkTarget(returnFinalTarget: true);
        return target?.Name ?? Path.GetFileName(link);
    }

    /// <summary>The sysfs directory of a device by kernel name (partitions included).</summary>
    public static string SysDirectory(string kernelName) => $"/sys/class/block/{kernelName}";

    /// <summary>The partitions of a whole device (<c>loop3p1</c>, <c>sda1</c>) by kernel name.</summary>
    public static IReadOnlyList<string> Partitions(string kernelName)
    {
        var dir = SysDirectory(kernelName);
        if (!Directory.Exists(dir))
        {
            return [];
        }
        return [.. Directory.EnumerateDirectories(dir)
            .Where(sub => File.Exists(Path.Combine(sub, "partition")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The <c>major:minor</c> of a device by kernel name, or null.</summary>
    public static string? MajorMinor(string kernelName) => ReadSys(kernelName, "dev");

    /// <summary>Devices stacked on top of this one (device-mapper, md, bcache …).</summary>
    public static IReadOnlyList<string> Holders(string kernelName)
    {
        var dir = Path.Combine(SysDirectory(kernelName), "holders");
        return Directory.Exists(dir) ? [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>()] : [];
    }

    /// <summary>Devices this one is stacked on (the slaves of a dm or md device).</summary>
    public static IReadOnlyList<string> Slaves(string kernelName)
    {
        var dir = Path.Combine(SysDirectory(kernelName), "slaves");
        return Directory.Exists(dir) ? [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)] : [];
    }

    /// <summary>True when the device is a partition (sysfs has its <c>partition</c> attribute).</summary>
    public static bool IsPartition(string kernelName) => File.Exists(Path.Combine(SysDirectory(kernelName), "partition"));

    /// <summary>The whole disk a partition belongs to (<c>loop3</c> for <c>loop3p1</c>), or null for a whole disk.</summary>
    public static string? ParentDisk(string kernelName)
    {
        if (!IsPartition(kernelName))
        {
            return null;
        }
        var real = new DirectoryInfo(SysDirectory(kernelName)).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        return real is null ? null : Path.GetFileName(Path.GetDirectoryName(real));
    }

    /// <summary>The kernel names of the loop devices that have a backing file.</summary>
    public static IReadOnlyList<string> AttachedLoopDevices() =>
        Directory.Exists("/sys/class/block")
            ? [.. Directory.EnumerateFileSystemEntries("/sys/class/block", "loop*")
                .Select(Path.GetFileName).OfType<string>()
                .Where(name => !string.IsNullOrEmpty(ReadSys(name, "loop/backing_file")))
                .Order(StringComparer.Ordinal)]
            : [];

    /// <summary>A loop device's backing file as sysfs names it (without the kernel's " (deleted)" suffix), or null.</summary>
    public static string? LoopBackingFile(string kernelName)
    {
        var backing = ReadSys(kernelName, "loop/backing_file");
        if (string.IsNullOrEmpty(backing))
        {
            return null;
        }
        const string Deleted = " (deleted)";
        return backing.EndsWith(Deleted, StringComparison.Ordinal) ? backing[..^Deleted.Length] : backing;
    }

    /// <summary><c>major:minor</c> of a dev_t (glibc's gnu_dev_major/minor).</summary>
    public static string MajorMinorOf(ulong dev)
    {
        var major = ((dev >> 8) & 0xfff) | ((dev >> 32) & 0xfffff000);
        var minor = (dev & 0xff) | ((dev >> 12) & 0xffffff00);
        return $"{major}:{minor}";
    }

    /// <summary>A sysfs attribute of a device (trimmed), or null when absent.</summary>
    public static string? ReadSys(string kernelName, string attribute)
    {
        var file = Path.Combine(SysDirectory(kernelName), attribute);
        try
        {
            return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Parses /proc/self/mountinfo (proc(5)): field 3 is major:minor, field 5 the mount point.</summary>
    public static IReadOnlyList<MountEntry> ParseMountInfo(string text)
    {
        var entries = new List<MountEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 6 || separator < 0 || separator + 2 >= fields.Length)
            {
                continue;
            }
            entries.Add(new MountEntry(fields[2], Unescape(fields[4]), fields[separator + 1], Unescape(fields[separator + 2])));
        }
        return entries;
    }

    /// <summary>Parses /proc/swaps: the file names in use as swap.</summary>
    public static IReadOnlyList<string> ParseSwaps(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(line => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 0)
            .Select(fields => Unescape(fields[0]))];

    public static IReadOnlyList<MountEntry> Mounts() => ParseMountInfo(File.ReadAllText("/proc/self/mountinfo"));

    public static IReadOnlyList<string> Swaps() => File.Exists("/proc/swaps") ? ParseSwaps(File.ReadAllText("/proc/swaps")) : [];

    /// <summary>The <c>major:minor</c> a path names when it is a device node, else null.</summary>
    public static string? DeviceNumberOf(string path) => LinuxFile.Stat(path) is { IsBlockDevice: true } status ? status.Rdev : null;

    // mountinfo and /proc/swaps escape space, tab, newline and backslash as octal (\040).
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var result = new System.Text.StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && field[(i + 1)..(i + 4)].All(c => c is >= '0' and <= '7'))
            {
                result.Append((char)Convert.ToInt32(field[(i + 1)..(i + 4)], 8));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }
        return result.ToString();
    }
}
