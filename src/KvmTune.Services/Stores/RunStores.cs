using KvmTune.Core;
using KvmTune.Host;
using KvmTune.Host.Files;
using KvmTune.Storage;

namespace KvmTune.Services.Stores;

/// <summary>Where the results store lives: <c>--db</c>, else <c>kvmtune.db</c> in the data directory.</summary>
public static class RunStores
{
    public static string DefaultPath => Path.Combine(DataDirectory.Path, SqliteRunStore.DefaultFileName);

    /// <summary>
    /// Opens the store for writing, creating the data directory and the database when missing. The database holds host
    /// facts and domain XML: it is created 0600 (SQLite gives its journal the same mode), and the default one in the
    /// private data directory is tightened to 0600 when it is looser.
    /// </summary>
    public static SqliteRunStore OpenForWriting(string? path = null)
    {
        var isDefault = path is null || Path.GetFullPath(path) == Path.GetFullPath(DefaultPath);
        path ??= DefaultPath;
        if (isDefault)
        {
            DataDirectory.Ensure();
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!, PrivateDirectory.Mode);
        }
        DurableFile.EnsurePrivateFile(path, tighten: isDefault);
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
