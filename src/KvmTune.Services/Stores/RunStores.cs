using KvmTune.Core;
using KvmTune.Host;
using KvmTune.Storage;

namespace KvmTune.Services.Stores;

/// <summary>Where the results store lives: <c>--db</c>, else <c>kvmtune.db</c> in the data directory.</summary>
public static class RunStores
{
    public static string DefaultPath => Path.Combine(DataDirectory.Path, SqliteRunStore.DefaultFileName);

    /// <summary>Opens the store for writing, creating the data directory and the database when missing.</summary>
    public static SqliteRunStore OpenForWriting(string? path = null)
    {
        path ??= DefaultPath;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new SqliteRunStore(path);
    }

    /// <summary>
    /// Opens an existing store for reading; null when the default store does not exist yet (nothing was ever run).
    /// A <c>--db</c> that does not exist is bad input.
    /// </summary>
    public static SqliteRunStore? OpenForReading(string? path)
    {
        if (path is not null && !File.Exists(path))
        {
            throw new InputException($"--db {path}: no such file");
        }
        path ??= DefaultPath;
        return File.Exists(path) ? new SqliteRunStore(path) : null;
    }
}
