namespace KvmTune.Host;

/// <summary>
/// Where KvmTune's own run-time data files are (helper scripts, templates): <c>/usr/share/kvmtune</c> when installed
/// from the Debian package (the program is <c>/usr/lib/kvmtune/kvmtune</c>), <c>share/</c> of the clone when run from
/// a clone (the build output lies under the directory holding <c>KvmTune.slnx</c>). Not the user's data directory
/// (<see cref="DataDirectory"/>): these files are read-only and come with the program.
/// </summary>
public static class ShareDirectory
{
    /// <summary>The name of the directory in a clone and under <c>PREFIX/share</c> in a package.</summary>
    public const string PackageName = "kvmtune";

    private static readonly Lazy<string?> Found = new(() => Locate(AppContext.BaseDirectory));

    /// <summary>The share directory of this program; <see cref="InvalidOperationException"/> when there is none.</summary>
    public static string Path => Found.Value
        ?? throw new InvalidOperationException($"KvmTune's data files are missing: neither {Installed(AppContext.BaseDirectory)} nor a clone's share/ above {AppContext.BaseDirectory}");

    /// <summary>A file of the share directory (not checked for existence).</summary>
    public static string File(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    /// <summary>
    /// The share directory for a program whose files are in <paramref name="programDirectory"/>: the packaged layout
    /// (<c>PREFIX/lib/kvmtune/</c> → <c>PREFIX/share/kvmtune</c>) first, then the nearest clone above it; null when
    /// neither exists.
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
                return Directory.Exists(share) ? share : null;
            }
        }
        return null;
    }

    private static string Installed(string programDirectory) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(programDirectory.TrimEnd('/'), "..", "..", "share", PackageName));
}
