namespace KvmTune.Host;

/// <summary>
/// KvmTune's data directory: <c>$XDG_DATA_HOME/kvmtune</c>, else <c>~/.local/share/kvmtune</c>.
/// Holds the SQLite store, scratch images, backups and caches.
/// </summary>
public static class DataDirectory
{
    /// <summary>The data directory (not created).</summary>
    public static string Path
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var baseDir = string.IsNullOrEmpty(xdg) ? System.IO.Path.Combine(home, ".local", "share") : xdg;
            return System.IO.Path.Combine(baseDir, "kvmtune");
        }
    }

    /// <summary>A sub-directory of the data directory, created with mode 0700 when missing.</summary>
    public static string Sub(string name)
    {
        var dir = System.IO.Path.Combine(Path, name);
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return dir;
    }
}
