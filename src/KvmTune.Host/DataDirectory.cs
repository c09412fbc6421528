using KvmTune.Host.Files;
using KvmTune.Host.Native;

namespace KvmTune.Host;

/// <summary>
/// KvmTune's data directory: <c>$XDG_DATA_HOME/kvmtune</c>, else <c>~/.local/share/kvmtune</c>. Holds the SQLite store,
/// scratch images, backups and caches; private (0700). The directory itself may be a symlink an administrator made
/// (to a larger disk); nothing inside it is followed through a symlink (<see cref="PrivateDirectory"/>).
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

    /// <summary>Creates the data directory when missing (0700), tightens a looser mode, and checks it is this user's.</summary>
    /// <exception cref="UnsafePathException">It is not a directory or belongs to another user.</exception>
    public static string Ensure()
    {
        var path = Path;
        if (LinuxFile.LinkStat(path) is null)
        {
            Directory.CreateDirectory(path, PrivateDirectory.Mode);
        }
        var status = LinuxFile.Stat(path) ?? throw new UnsafePathException($"{path}: a symbolic link to nothing");
        // Stat follows a symlinked data directory: its target is checked.
        PrivateDirectory.Check(path, status);
        return path;
    }

    /// <summary>A private sub-directory of the data directory, created with mode 0700 when missing.</summary>
    public static string Sub(string name) => PrivateDirectory.EnsureUnder(Ensure(), name);
}
