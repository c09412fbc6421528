using KvmTune.Core;
using KvmTune.Host;
using KvmTune.Host.Files;
using KvmTune.Storage;

namespace KvmTune.Services.Stores;

/// <summary>
/// Where the results store lives: <c>--db</c>, else <c>KVMTUNE_DB</c>, else <c>db =</c> in the config file
/// (<see cref="StoreConfig"/>), else <c>kvmtune.db</c> in the data directory. Each is a SQLite path or a
/// <c>postgresql://</c> URL (<see cref="PostgresRunStore"/>): the same schema and statements on both.
/// </summary>
public static class RunStores
{
    /// <summary>The environment variable that names the store when <c>--db</c> does not.</summary>
    public const string EnvironmentVariable = "KVMTUNE_DB";

    public static string DefaultPath => Path.Combine(DataDirectory.Path, SqliteRunStore.DefaultFileName);

    /// <summary>The store named by the option, the environment or the config file; null for the default SQLite file.</summary>
    public static string? Resolve(string? option)
    {
        if (!string.IsNullOrEmpty(option))
        {
            return option;
        }
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }
        return StoreConfig.Load()?.Db;
    }

    /// <summary>The store as messages show it: a path, or a URL without its password.</summary>
    public static string Describe(string? option) => Resolve(option) switch
    {
        null => DefaultPath,
        var url when PostgresUrl.IsUrl(url) => PostgresUrl.Parse(url).Display,
        var path => path,
    };

    /// <summary>
    /// Opens the store for writing, creating it when missing. A SQLite database holds host facts and domain XML: it is
    /// created 0600 (SQLite gives its journal the same mode), and the default one in the private data directory is
    /// tightened to 0600 when it is looser. A PostgreSQL store is migrated to the latest schema on the server.
    /// </summary>
    public static SqlRunStore OpenForWriting(string? db = null)
    {
        var resolved = Resolve(db);
        if (resolved is not null && PostgresUrl.IsUrl(resolved))
        {
            return new PostgresRunStore(resolved);
        }
        var isDefault = resolved is null || Path.GetFullPath(resolved) == Path.GetFullPath(DefaultPath);
        var path = resolved ?? DefaultPath;
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
    /// A named SQLite file that does not exist is bad input; a PostgreSQL store is always there (maybe empty).
    /// </summary>
    public static SqlRunStore? OpenForReading(string? db)
    {
        var resolved = Resolve(db);
        if (resolved is not null && PostgresUrl.IsUrl(resolved))
        {
            return new PostgresRunStore(resolved);
        }
        if (resolved is not null && !File.Exists(resolved))
        {
            throw new InputException($"--db {resolved}: no such file");
        }
        var path = resolved ?? DefaultPath;
        return File.Exists(path) ? new SqliteRunStore(path) : null;
    }
}
