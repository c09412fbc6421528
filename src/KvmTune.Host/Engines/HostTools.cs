using KvmTune.Core;

namespace KvmTune.Host.Engines;

/// <summary>Finds the external programs the engines run, and names the Debian package when one is missing.</summary>
public static class HostTools
{
    /// <summary>Program name → the Debian package that ships it.</summary>
    public static IReadOnlyDictionary<string, string> Packages { get; } = new Dictionary<string, string>
    {
        ["fio"] = "fio",
        ["qemu-img"] = "qemu-utils",
        ["qemu-io"] = "qemu-utils",
        ["qemu-system-x86_64"] = "qemu-system-x86",
        ["losetup"] = "mount",
    };

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? Find(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The full path of <paramref name="program"/>.</summary>
    /// <exception cref="InputException">Not installed; the message names the Debian package.</exception>
    public static string Require(string program) =>
        Find(program) ?? throw new InputException(
            $"{program} not found on PATH: install the Debian package {Packages.GetValueOrDefault(program, program)} (apt-get install {Packages.GetValueOrDefault(program, program)})");
}
