using System.Globalization;
using System.Text.RegularExpressions;

namespace KvmTune.Host.Probing;

/// <summary>Parsers for what probe reads: tool version banners, /proc files, sysfs attributes.</summary>
public static partial class ProbeParsers
{
    /// <summary>
    /// The version in a tool's banner: "QEMU emulator version 7.2.22 (Debian …)", "qemu-img version 7.2.22",
    /// "libvirtd (libvirt) 9.0.0", "9.0.0" (virsh), "fio-3.33". Null when none is found.
    /// </summary>
    public static string? ToolVersion(string? output)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            return null;
        }
        var firstLine = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        var match = VersionPattern().Match(firstLine);
        return match.Success ? match.Groups["v"].Value : null;
    }

    /// <summary>
    /// libvirt's version from its library file name: libvirt.so.0.MAJOR*1000+MINOR.MICRO
    /// (libvirt.so.0.9000.0 is 9.0.0, libvirt.so.0.10002.0 is 10.2.0).
    /// </summary>
    public static string? LibvirtLibraryVersion(string? fileName)
    {
        var match = fileName is null ? Match.Empty : LibraryPattern().Match(fileName);
        if (!match.Success)
        {
            return null;
        }
        var combined = int.Parse(match.Groups["mm"].Value, CultureInfo.InvariantCulture);
        return $"{combined / 1000}.{combined % 1000}.{match.Groups["micro"].Value}";
    }

    /// <summary>The CPU flags of the first processor in /proc/cpuinfo.</summary>
    public static IReadOnlySet<string> CpuFlags(string cpuinfo)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == "flags")
            {
                return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            }
        }
        return new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>A /proc/meminfo entry in bytes ("MemTotal:  24684092 kB"), or null.</summary>
    public static long? MemInfoBytes(string meminfo, string key)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            var parts = line.Split([':', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return parts.Length >= 3 && parts[2] == "kB" ? value * 1024 : value;
            }
        }
        return null;
    }

    /// <summary>The kernel version (major.minor) of a release string such as "6.18.44-fc-v657", or null.</summary>
    public static Version? KernelVersion(string release)
    {
        var match = KernelPattern().Match(release);
        return match.Success ? new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)) : null;
    }

    /// <summary>The selected I/O scheduler in a sysfs queue/scheduler line ("none [mq-deadline] kyber bfq").</summary>
    public static string? SelectedScheduler(string? line)
    {
        if (line is null)
        {
            return null;
        }
        var match = SchedulerPattern().Match(line);
        return match.Success ? match.Groups[1].Value : line.Trim() is { Length: > 0 } only && !only.Contains(' ', StringComparison.Ordinal) ? only : null;
    }

    /// <summary>A whole number from a sysctl file, or null.</summary>
    public static long? Number(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    [GeneratedRegex(@"(?:version |\) |^fio-|^)(?<v>\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"libvirt\.so\.0\.(?<mm>\d+)\.(?<micro>\d+)$")]
    private static partial Regex LibraryPattern();

    [GeneratedRegex(@"^(\d+)\.(\d+)")]
    private static partial Regex KernelPattern();

    [GeneratedRegex(@"\[([^\]]+)\]")]
    private static partial Regex SchedulerPattern();

    /// <summary>The three load averages of /proc/loadavg (<c>0.52 0.58 0.59 1/467 12345</c>); empty when unreadable.</summary>
    public static IReadOnlyList<double> LoadAverage(string? loadavg) => KvmTune.Core.Measurement.HostLoad.Parse(loadavg);
}
