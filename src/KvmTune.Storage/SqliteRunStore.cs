using Microsoft.Data.Sqlite;

namespace KvmTune.Storage;

/// <summary>
/// The embedded results store: one SQLite file (WAL mode), schema versioned through <c>PRAGMA user_version</c> and
/// <see cref="Migrations"/>, applied in order inside one transaction when the store opens.
/// </summary>
public sealed class SqliteRunStore : SqlRunStore
{
    /// <summary>The file name of the default store in the data directory.</summary>
    public const string DefaultFileName = "kvmtune.db";

    /// <summary>Opens (creating when missing) the store at <paramref name="path"/> and migrates it to the latest schema.</summary>
    public SqliteRunStore(string path)
        : base(Open(path), SqliteDialect.Instance, path)
    {
        Path = path;
    }

    public string Path { get; }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";
        command.ExecuteNonQuery();
        return connection;
    }
}
