using KvmTune.Host.Native;

namespace KvmTune.Host.Files;

/// <summary>
/// KvmTune's own directories (the data directory's backups, locks and scratch directories): real directories owned
/// by this user with mode 0700. A symlink, another kind of file or another owner in their place is refused, never
/// followed (an attacker's link must not redirect backups); a looser mode is tightened.
/// </summary>
public static class PrivateDirectory
{
    /// <summary>rwx------.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Makes sure each of <paramref name="components"/> below <paramref name="root"/> (which must already be private) is a
    /// private directory, creating what is missing; returns the deepest.
    /// </summary>
    /// <exception cref="UnsafePathException">A component is a symlink, not a directory, or owned by someone else.</exception>
    public static string EnsureUnder(string root, params string[] components)
    {
        ArgumentNullException.ThrowIfNull(components);
        var current = Path.GetFullPath(root);
        foreach (var component in components)
        {
            if (component.Length == 0 || component is "." or ".." || component.Contains('/', StringComparison.Ordinal) || component.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{component}' cannot name a directory inside {current}", nameof(components));
            }
            current = Path.Combine(current, component);
            Ensure(current);
        }
        return current;
    }

    /// <summary>Makes sure <paramref name="directory"/> itself (not following a symlink) is a private directory.</summary>
    public static void Ensure(string directory)
    {
        var status = LinuxFile.LinkStat(directory);
        if (status is null)
        {
            try
            {
                // mkdir(2) of the last component only: the parent was checked (or is the root the caller vouches for).
                Directory.CreateDirectory(directory, Mode);
            }
            catch (IOException) when (LinuxFile.LinkStat(directory) is not null)
            {
                // Created by someone else in between: checked below like any existing entry.
            }
            status = LinuxFile.LinkStat(directory) ?? throw new IOException($"{directory}: could not be created");
        }
        Check(directory, status);
    }

    /// <summary>Checks an existing directory of KvmTune's and tightens its mode; the owner must be this user.</summary>
    internal static void Check(string directory, FileStatus status)
    {
        if (status.IsSymbolicLink)
        {
            throw new UnsafePathException($"{directory}: is a symbolic link; KvmTune does not follow links inside its own directories (remove it)");
        }
        if (!status.IsDirectory)
        {
            throw new UnsafePathException($"{directory}: is {status.Kind}, not a directory");
        }
        var me = LinuxFile.EffectiveUserId;
        if (status.Uid != me)
        {
            throw new UnsafePathException($"{directory}: owned by uid {status.Uid}, not by this user ({me}); KvmTune keeps its own directories private");
        }
        if ((status.Permissions & 0x3F) != 0)
        {
            File.SetUnixFileMode(directory, Mode);
        }
    }
}
