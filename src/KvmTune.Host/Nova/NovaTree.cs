using System.Security.Cryptography;
using KvmTune.Core;
using KvmTune.Core.Input;
using KvmTune.Core.Nova;
using KvmTune.Core.Nova.Patching;
using KvmTune.Host.Input;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Nova;

/// <summary>
/// An installed nova package on this host: its directory (<c>…/dist-packages/nova</c>), the directory that holds it
/// (what Python's path and the patch paths are relative to), its version from the package metadata next to it, and
/// the Debian package that owns it, if any.
/// </summary>
public sealed class NovaTree
{
    private NovaTree(string packageDirectory, string? version, string? dpkgPackage)
    {
        PackageDirectory = packageDirectory;
        Root = Path.GetDirectoryName(packageDirectory)!;
        Version = version;
        DpkgPackage = dpkgPackage;
    }

    /// <summary>The nova package directory (holds <c>virt/libvirt/driver.py</c>).</summary>
    public string PackageDirectory { get; }

    /// <summary>The directory that holds <c>nova/</c>: patch paths and PYTHONPATH are relative to it.</summary>
    public string Root { get; }

    /// <summary>nova's version from the package metadata beside it (<c>nova-26.2.2.egg-info</c>), or null when there is none.</summary>
    public string? Version { get; }

    /// <summary>The Debian package that installed these files (<c>python3-nova</c>), or null.</summary>
    public string? DpkgPackage { get; }

    /// <summary>The version as the simulator uses it (master when unknown).</summary>
    public NovaVersion NovaVersion => Version is null ? NovaVersion.Master : NovaVersion.Parse(Version, PackageDirectory);

    /// <summary>
    /// The nova tree in <paramref name="novaDir"/> (the package directory, or the directory that holds it), or, when
    /// null, the nova package Debian's <c>/usr/bin/python3</c> imports. Throws <see cref="InputException"/> when it is not
    /// a nova tree.
    /// </summary>
    public static async Task<NovaTree> LocateAsync(string? novaDir, CancellationToken cancellationToken = default)
    {
        string package;
        if (novaDir is null)
        {
            var found = await ToolRunner.RunAsync(ToolCommand.For("python3").WithArguments(
                ["-c", "import importlib.util, os\ns = importlib.util.find_spec('nova')\nprint(os.path.dirname(s.origin) if s and s.origin else '')"]),
                cancellationToken).ConfigureAwait(false);
            package = found.StandardOutput.Trim();
            if (!found.Succeeded || package.Length == 0)
            {
                throw new InputException($"no nova package for {NovaPython.Interpreter} (is python3-nova installed?); pass --nova-dir");
            }
        }
        else
        {
            var full = Path.GetFullPath(novaDir);
            package = File.Exists(Path.Combine(full, "nova", "virt", "libvirt", "driver.py")) ? Path.Combine(full, "nova") : full;
        }
        package = Path.TrimEndingDirectorySeparator(package);
        if (!Directory.Exists(package))
        {
            throw new InputException($"{package}: no such directory");
        }
        if (!File.Exists(Path.Combine(package, "virt", "libvirt", "driver.py")) || !File.Exists(Path.Combine(package, "conf", "libvirt.py")))
        {
            throw new InputException($"{package}: not a nova package (no virt/libvirt/driver.py and conf/libvirt.py)");
        }
        if (Path.GetFileName(package) != "nova")
        {
            throw new InputException($"{package}: a nova package directory is named nova");
        }
        var root = Path.GetDirectoryName(package)!;
        var owner = await DpkgOwnerAsync(Path.Combine(package, "virt", "libvirt", "driver.py"), cancellationToken).ConfigureAwait(false);
        return new NovaTree(package, ReadVersion(root), owner);
    }

    /// <summary>A file relative to <see cref="Root"/> (<c>nova/virt/libvirt/driver.py</c>): its text, or null when it does not exist.</summary>
    public string? ReadText(string relativePath)
    {
        var path = FullPath(relativePath);
        if (!File.Exists(path))
        {
            return Directory.Exists(path) ? throw new InputException($"{path}: is a directory") : null;
        }
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            throw new InputException($"{path}: is a symbolic link; KvmTune patches regular files only");
        }
        // Byte for byte: a byte-order mark stays a character, invalid UTF-8 is refused with its offset.
        return InputFiles.ReadText(path, InputLimits.NovaSourceBytes, "nova source file", keepByteOrderMark: true);
    }

    /// <summary>The full path of a file relative to <see cref="Root"/>.</summary>
    public string FullPath(string relativePath) => Path.Combine(Root, relativePath);

    /// <summary>
    /// The MD5 sum dpkg recorded for a file of this tree when the package installed it (<c>/var/lib/dpkg/info/PKG.md5sums</c>),
    /// or null when no package owns the tree or the file is not listed.
    /// </summary>
    public string? DpkgMd5(string relativePath)
    {
        if (DpkgPackage is null)
        {
            return null;
        }
        var name = Path.GetFullPath(FullPath(relativePath)).TrimStart('/');
        foreach (var list in new[] { $"/var/lib/dpkg/info/{DpkgPackage}.md5sums", $"/var/lib/dpkg/info/{DpkgPackage}:all.md5sums" })
        {
            if (!File.Exists(list))
            {
                continue;
            }
            foreach (var line in File.ReadLines(list))
            {
                var space = line.IndexOf("  ", StringComparison.Ordinal);
                if (space > 0 && line[(space + 2)..] == name)
                {
                    return line[..space];
                }
            }
        }
        return null;
    }

    /// <summary>The MD5 of a text as dpkg computes it over the UTF-8 bytes.</summary>
    // dpkg's md5sums files are MD5: a comparison with what the package installed, not a security check.
#pragma warning disable CA5351
    public static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Files.DurableFile.Utf8.GetBytes(text)));
#pragma warning restore CA5351

    /// <summary>Detects whether the tree is stock, patched or unknown, against the given patches.</summary>
    public NovaPatchDetection Detect(IReadOnlyList<NovaPatch> patches) => NovaPatchDetector.Detect(patches, ReadText);

    // setuptools writes nova-VERSION.egg-info/PKG-INFO, pip nova-VERSION.dist-info/METADATA; a git checkout has neither.
    private static string? ReadVersion(string root)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(root, "nova-*.egg-info").Select(d => Path.Combine(d, "PKG-INFO"))
                .Concat(Directory.EnumerateDirectories(root, "nova-*.dist-info").Select(d => Path.Combine(d, "METADATA")))
                .Where(File.Exists).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        foreach (var file in candidates)
        {
            foreach (var line in File.ReadLines(file).Take(40))
            {
                if (line.StartsWith("Version:", StringComparison.Ordinal))
                {
                    return line["Version:".Length..].Trim();
                }
            }
        }
        return null;
    }

    private static async Task<string?> DpkgOwnerAsync(string path, CancellationToken cancellationToken)
    {
        if (ToolRegistry.Default.Find("dpkg-query") is null)
        {
            return null;
        }
        var result = await ToolRunner.RunAsync(ToolCommand.For("dpkg-query").WithArguments(["-S", path]), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return null;
        }
        // "python3-nova: /usr/lib/python3/dist-packages/nova/virt/libvirt/driver.py"
        var line = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var colon = line?.IndexOf(": ", StringComparison.Ordinal) ?? -1;
        return colon > 0 ? line![..colon].Split(':')[0] : null;
    }
}
