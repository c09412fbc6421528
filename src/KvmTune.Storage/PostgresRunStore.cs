using System.Net.Sockets;
using KvmTune.Core;
using Npgsql;

namespace KvmTune.Storage;

/// <summary>
/// The shared results store on a PostgreSQL server (<c>postgresql://</c> URL): the same schema, migrations and
/// statements as <see cref="SqliteRunStore"/>. Every opened store holds its own connection, so that many hosts (or
/// processes) write their runs at once; ids come from identity columns, so runs never mix.
/// </summary>
public sealed class PostgresRunStore : SqlRunStore
{
    /// <summary>Connects to <paramref name="url"/> and migrates its database to the latest schema.</summary>
    /// <exception cref="InputException">The URL is malformed.</exception>
    /// <exception cref="HostFailureException">The server cannot be reached or refuses the connection.</exception>
    public PostgresRunStore(string url)
        : this(PostgresUrl.Parse(url))
    {
    }

    private PostgresRunStore(PostgresUrl url)
        : base(Connect(url), PostgresDialect.Instance, url.Display)
    {
    }

    private static NpgsqlConnection Connect(PostgresUrl url)
    {
        var connection = new NpgsqlConnection(url.ConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or InvalidOperationException)
        {
            connection.Dispose();
            throw new HostFailureException($"--db {url.Display}: {Reason(e)}", e);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        PostgresException p => $"{p.SqlState} {p.MessageText}",
        NpgsqlException { InnerException: { } inner } => inner.Message,
        _ => e.Message,
    };

    /// <summary>
    /// Writes rows in bulk with PostgreSQL's binary COPY (the synthetic stores of <c>self-bench fleet</c>): for each
    /// table, its column list and the rows. Ids are the caller's; the identity sequences are moved past them.
    /// </summary>
    public void Import(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        var connection = (NpgsqlConnection)Connection;
        using (var writer = connection.BeginBinaryImport($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in rows)
            {
                writer.StartRow();
                foreach (var value in row)
                {
                    if (value is null)
                    {
                        writer.WriteNull();
                    }
                    else
                    {
                        writer.Write(value);
                    }
                }
            }
            writer.Complete();
        }
        if (columns.Contains("id"))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Empties every table of the store (the synthetic stores of <c>self-bench fleet</c> start from nothing).</summary>
    public void Truncate()
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "TRUNCATE runs, host_facts, samples, candidates, host_states RESTART IDENTITY";
        command.ExecuteNonQuery();
    }
}
