using System.Text.RegularExpressions;
using KvmTune.Core;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Guest;

/// <summary>The kernel a micro-VM boots and the modules directory its virtio modules come from.</summary>
/// <param name="KernelPath">The bzImage (<c>vmlinuz-…</c>).</param>
/// <param name="ModulesDirectory">The <c>lib/modules/RELEASE</c> tree, or null when the kernel has virtio built in.</param>
/// <param name="Origin">Where it came from, for reports: <c>host</c>, <c>debian:linux-image-6.1.0-56-amd64</c>, <c>file</c>.</param>
public sealed record GuestKernel(string KernelPath, string? ModulesDirectory, string Origin);

/// <summary>
/// Finds the micro-VM's kernel: the one named with <c>--kernel</c>; else the host's own
/// (<c>/boot/vmlinuz-$(uname -r)</c> with <c>/lib/modules/$(uname -r)</c>); else Debian's
/// <c>linux-image-amd64</c> dependency, fetched with <c>apt-get download</c> and unpacked with
/// <c>dpkg-deb -x</c> (never installed) into a cache, reused on later runs without downloading again.
/// </summary>
public sealed partial class GuestKernelLocator(string cacheDirectory)
{
    private const string CompleteMarker = ".complete";

    /// <summary>The kernel cache: <c>DataDirectory/cache/kernel</c>.</summary>
    public string CacheDirectory { get; } = cacheDirectory;

    public static GuestKernelLocator Default() => new(Path.Combine(DataDirectory.Sub("cache"), "kernel"));

    /// <summary>Resolves the kernel; <paramref name="progress"/> hears about a download.</summary>
    public async Task<GuestKernel> LocateAsync(string? kernelFile, string? modulesDirectory, Action<string>? progress, CancellationToken cancellationToken)
    {
        if (kernelFile is not null)
        {
            return Explicit(kernelFile, modulesDirectory);
        }
        if (modulesDirectory is not null)
        {
            throw new InputException($"--modules '{modulesDirectory}' needs --kernel");
        }
        return HostKernel() ?? await DebianKernelAsync(progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The host's own kernel and modules when /boot and /lib/modules have them (and the kernel is readable).</summary>
    public static GuestKernel? HostKernel()
    {
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var kernel = $"/boot/vmlinuz-{release}";
        var modules = $"/lib/modules/{release}";
        if (!File.Exists(kernel) || !Directory.Exists(modules))
        {
            return null;
        }
        try
        {
            using var probe = File.OpenRead(kernel);
        }
        catch (UnauthorizedAccessException)
        {
            // Ubuntu installs vmlinuz 0600 root: an unprivileged user falls back to the Debian kernel.
            return null;
        }
        return new GuestKernel(kernel, modules, "host");
    }

    private static GuestKernel Explicit(string kernelFile, string? modulesDirectory)
    {
        if (!File.Exists(kernelFile))
        {
            throw new InputException($"--kernel '{kernelFile}': no such file");
        }
        if (modulesDirectory is not null && !Directory.Exists(modulesDirectory))
        {
            throw new InputException($"--modules '{modulesDirectory}': no such directory");
        }
        return new GuestKernel(Path.GetFullPath(kernelFile), modulesDirectory is null ? null : Path.GetFullPath(modulesDirectory), "file");
    }

    /// <summary>The Debian kernel: from the cache, else downloaded and unpacked into it.</summary>
    public async Task<GuestKernel> DebianKernelAsync(Action<string>? progress, CancellationToken cancellationToken)
    {
        string package;
        try
        {
            package = await ResolvePackageAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (GuestException) when (Cached().FirstOrDefault() is { } any)
        {
            // No package lists (offline, apt-get update never ran): any kernel already cached still boots.
            return any;
        }
        var cached = FromCache(Path.Combine(CacheDirectory, package), package);
        if (cached is not null)
        {
            return cached;
        }
        progress?.Invoke($"downloading {package} (apt-get download)");
        Directory.CreateDirectory(CacheDirectory);
        var work = Path.Combine(CacheDirectory, $".tmp-{package}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            // As root apt warns that the _apt sandbox user cannot write the directory; download as root instead.
            await GuestTools.RunAsync(ToolCommand.For("apt-get").WithArguments(["-q", "-o", "APT::Sandbox::User=root", "download", package]).WithWorkingDirectory(work), cancellationToken).ConfigureAwait(false);
            var deb = Directory.GetFiles(work, "*.deb").SingleOrDefault()
                ?? throw new GuestException($"apt-get download {package} left no .deb in {work}");
            progress?.Invoke($"unpacking {Path.GetFileName(deb)} (dpkg-deb -x)");
            var root = Path.Combine(work, "root");
            await GuestTools.RunAsync(ToolCommand.For("dpkg-deb").WithArguments(["-x", deb, root]), cancellationToken).ConfigureAwait(false);
            File.Delete(deb);
            Prune(root);
            await File.WriteAllTextAsync(Path.Combine(root, CompleteMarker), package + "\n", cancellationToken).ConfigureAwait(false);
            var target = Path.Combine(CacheDirectory, package);
            try
            {
                Directory.Move(root, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another run unpacked the same kernel first; keep theirs.
            }
            return FromCache(target, package) ?? throw new GuestException($"{package} has no /boot/vmlinuz-* after unpacking");
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>The real kernel package behind <c>linux-image-amd64</c> (<c>linux-image-6.1.0-56-amd64</c>).</summary>
    public static async Task<string> ResolvePackageAsync(CancellationToken cancellationToken)
    {
        var result = await GuestTools.RunAsync(ToolCommand.For("apt-cache").WithArguments(["depends", "linux-image-amd64"]), cancellationToken).ConfigureAwait(false);
        var match = DependsPattern().Match(result.StandardOutput);
        return match.Success
            ? match.Groups[1].Value
            : throw new GuestException("apt-cache depends linux-image-amd64 names no linux-image package (run apt-get update, or pass --kernel)");
    }

    /// <summary>Kernels already in the cache, newest first.</summary>
    public IEnumerable<GuestKernel> Cached() =>
        Directory.Exists(CacheDirectory)
            ? Directory.GetDirectories(CacheDirectory, "linux-image-*")
                .OrderByDescending(Directory.GetLastWriteTimeUtc)
                .Select(dir => FromCache(dir, Path.GetFileName(dir)))
                .OfType<GuestKernel>()
            : [];

    private static GuestKernel? FromCache(string directory, string package)
    {
        if (!File.Exists(Path.Combine(directory, CompleteMarker)))
        {
            return null;
        }
        var kernel = Directory.GetFiles(Path.Combine(directory, "boot"), "vmlinuz-*").FirstOrDefault();
        if (kernel is null)
        {
            return null;
        }
        var release = Path.GetFileName(kernel)["vmlinuz-".Length..];
        var modules = Path.Combine(directory, "lib", "modules", release);
        return new GuestKernel(kernel, Directory.Exists(modules) ? modules : null, $"debian:{package}");
    }

    // The package carries ~400 MB of modules; the micro-VM needs the virtio and block drivers and the
    // module lists. Keeping only those makes the cache ~11 MB.
    private static void Prune(string root)
    {
        var modulesRoot = Path.Combine(root, "lib", "modules");
        if (!Directory.Exists(modulesRoot))
        {
            return;
        }
        foreach (var release in Directory.GetDirectories(modulesRoot))
        {
            var kernelDir = Path.Combine(release, "kernel");
            if (!Directory.Exists(kernelDir))
            {
                continue;
            }
            var keep = new[] { Path.Combine("drivers", "virtio"), Path.Combine("drivers", "block") }
                .Select(p => Path.Combine(kernelDir, p) + Path.DirectorySeparatorChar).ToArray();
            foreach (var file in Directory.GetFiles(kernelDir, "*", SearchOption.AllDirectories))
            {
                if (!keep.Any(k => file.StartsWith(k, StringComparison.Ordinal)))
                {
                    File.Delete(file);
                }
            }
            foreach (var dir in Directory.GetDirectories(kernelDir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
            {
                if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    Directory.Delete(dir);
                }
            }
        }
    }

    [GeneratedRegex(@"Depends:\s*(linux-image-[0-9][^\s<>]*)")]
    private static partial Regex DependsPattern();
}
