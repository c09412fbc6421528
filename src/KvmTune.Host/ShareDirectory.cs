namespace KvmTune.Host;

/// <summary>
/// Where KvmTune's own run-time data files are (the nova patches, the Python helpers it runs, templates): one lookup
/// for all of them, from the program's directory, in this order:
/// <list type="number">
/// <item><c>PREFIX/share/kvmtune</c> when the program is <c>PREFIX/lib/kvmtune/kvmtune</c> (the Debian package:
/// <c>/usr/share/kvmtune</c>);</item>
/// <item>the clone's <c>share/</c> when the program lies under a directory holding <c>KvmTune.slnx</c> (a build in a
/// clone: the files as they are in the clone);</item>
/// <item><c>share/</c> next to the program (the build copies it there: <c>dotnet publish</c>, a copied <c>bin/</c>).</item>
/// </list>
/// Not the user's data directory (<see cref="DataDirectory"/>): these files are read-only and come with the program.
/// No environment variable or option chooses another directory: these files are run and applied as root.
/// </summary>
public static class ShareDirectory
{
    /// <summary>The name of the directory in a clone and under <c>PREFIX/share</c> in a package.</summary>
    public const string PackageName = "kvmtune";

    private static readonly Lazy<string?> Found = new(() => Locate(AppContext.BaseDirectory));

    /// <summary>The share directory of this program; <see cref="InvalidOperationException"/> when there is none.</summary>
    public static string Path => Found.Value
        ?? throw new InvalidOperationException($"KvmTune's data files are missing: not in {Installed(AppContext.BaseDirectory)}, a clone's share/ above {AppContext.BaseDirectory} or share/ beside the program; reinstall KvmTune");

    /// <summary>A file of the share directory (not checked for existence).</summary>
    public static string File(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    /// <summary>
    /// The full path of a data file (<c>nova/nova_disks.py</c>); <see cref="FileNotFoundException"/> (a broken
    /// installation, exit 3) when the share directory lacks it.
    /// </summary>
    public static string Find(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        var path = File(relativePath);
        return System.IO.File.Exists(path)
            ? path
            : throw new FileNotFoundException($"KvmTune's data file {path} is missing; reinstall KvmTune", path);
    }

    /// <summary>The files of a data directory (<c>nova/patches</c>) matching <paramref name="pattern"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> List(string relativeDirectory, string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativeDirectory);
        var directory = File(relativeDirectory);
        return Directory.Exists(directory)
            ? [.. Directory.GetFiles(directory, pattern).Order(StringComparer.Ordinal)]
            : throw new DirectoryNotFoundException($"KvmTune's data directory {directory} is missing; reinstall KvmTune");
    }

    /// <summary>
    /// The share directory for a program whose files are in <paramref name="programDirectory"/>: the packaged layout
    /// (<c>PREFIX/lib/kvmtune/</c> → <c>PREFIX/share/kvmtune</c>) first, then the nearest clone above it, then
    /// <c>share/</c> beside the program; null when there is none.
    /// </summary>
    public static string? Locate(string programDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(programDirectory);
        var installed = Installed(programDirectory);
        if (Directory.Exists(installed))
        {
            return installed;
        }
        for (var dir = new DirectoryInfo(programDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "KvmTune.slnx")))
            {
                var share = System.IO.Path.Combine(dir.FullName, "share");
                if (Directory.Exists(share))
                {
                    return share;
                }
                break;
            }
        }
        var beside = System.IO.Path.Combine(System.IO.Path.GetFullPath(programDirectory), "share");
        return Directory.Exists(beside) ? beside : null;
    }

    private static string Installed(string programDirectory) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(programDirectory.TrimEnd('/'), "..", "..", "share", PackageName));
}
