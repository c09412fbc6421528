using System.Diagnostics;

namespace KvmTune.Cli.Tests.Nova;

/// <summary>Debian's python3-nova on this machine (CI installs it with scripts/setup.sh).</summary>
internal static class InstalledNova
{
    public const string SitePackages = "/usr/lib/python3/dist-packages";

    public static string PackageDirectory => Path.Combine(SitePackages, "nova");

    /// <summary>Why the tests that drive the real nova cannot run here, or null when they can.</summary>
    public static string? Missing { get; } = FindMissing();

    private static string? FindMissing()
    {
        if (!File.Exists(Path.Combine(PackageDirectory, "virt", "libvirt", "driver.py")))
        {
            return $"python3-nova is not installed ({PackageDirectory} has no virt/libvirt/driver.py): apt-get install python3-nova, or run scripts/setup.sh";
        }
        if (!File.Exists("/usr/bin/python3"))
        {
            return "/usr/bin/python3 is missing";
        }
        if (!Directory.Exists(Path.Combine(SitePackages, "stestr")) || !Directory.Exists(Path.Combine(SitePackages, "oslotest")))
        {
            return "nova's unit tests need python3-stestr and python3-oslotest: run scripts/setup.sh";
        }
        return null;
    }
}

/// <summary>A test that drives the real nova: skipped, with the reason in the test report, where python3-nova is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class NovaFactAttribute : FactAttribute
{
    public NovaFactAttribute()
    {
        if (InstalledNova.Missing is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// A copy of the installed nova package (and its egg-info, so that the version is known) in a temporary directory:
/// tests patch the copy, never the system's nova. Deleted on dispose.
/// </summary>
internal sealed class NovaTreeCopy : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-nova-tree-");

    public NovaTreeCopy(bool whole = true)
    {
        if (whole)
        {
            var entries = Directory.GetDirectories(InstalledNova.SitePackages, "nova-*.egg-info").Append(InstalledNova.PackageDirectory);
            Run("cp", ["-a", .. entries, _dir.FullName]);
        }
        else
        {
            // Only the files the patch touches: enough for detection, refusal and --print, not for importing nova.
            foreach (var file in new[] { "nova/conf/libvirt.py", "nova/virt/libvirt/driver.py" })
            {
                var target = Path.Combine(_dir.FullName, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                System.IO.File.Copy(Path.Combine(InstalledNova.SitePackages, file), target);
            }
            Directory.CreateDirectory(Path.Combine(_dir.FullName, "nova", "tests", "unit", "virt", "libvirt"));
        }
    }

    /// <summary>The directory that holds nova/.</summary>
    public string Root => _dir.FullName;

    /// <summary>The copied nova package.</summary>
    public string PackageDirectory => Path.Combine(Root, "nova");

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Dispose() => _dir.Delete(recursive: true);

    private static void Run(string tool, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)}: {error}");
        }
    }
}
