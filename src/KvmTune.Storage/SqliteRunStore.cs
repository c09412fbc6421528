using System.Globalization;
using System.Text.Json;
using KvmTune.Core.Measurement;
using Microsoft.Data.Sqlite;

namespace KvmTune.Storage;

/// <summary>A run with what history lists about it.</summary>
/// <param name="Info">The run.</param>
/// <param name="CandidateCount">Distinct candidates with results.</param>
/// <param name="Best">The rankable result with the highest median IOPS (guest/qemu before host), or null.</param>
public sealed record RunSummary(RunInfo Info, int CandidateCount, SubjectResult? Best)
{
    /// <summary>The decision's overall winner stored when the run finished, or null (older runs, nothing ranked).</summary>
    public Core.Tuning.Candidate? Winner { get; init; }
}

/// <summary>
/// The embedded results store: one SQLite file (WAL mode), schema versioned through <c>PRAGMA user_version</c>
/// and <see cref="Migrations"/>, applied in order inside one transaction when the store opens.
/// </summary>
public sealed class SqliteRunStore : IRunStore, IDisposable
{
    /// <summary>The file name of the default store in the data directory.</summary>
    public const string DefaultFileName = "kvmtune.db";

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    /// <summary>Opens (creating when missing) the store at <paramref name="path"/> and migrates it to the latest schema.</summary>
    public SqliteRunStore(string path)
    {
        Path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
        Migrate();
    }

    public string Path { get; }

    /// <summary>The schema version of the open database (<c>PRAGMA user_version</c>).</summary>
    public int SchemaVersion => Convert.ToInt32(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);

    public static int LatestSchemaVersion => Migrations.All.Count;

    private void Migrate()
    {
        var version = SchemaVersion;
        if (version > LatestSchemaVersion)
        {
            throw new InvalidOperationException($"{Path}: schema version {version} is newer than this KvmTune knows ({LatestSchemaVersion})");
        }
        if (version == LatestSchemaVersion)
        {
            return;
        }
        using var transaction = _connection.BeginTransaction();
        for (var next = version; next < LatestSchemaVersion; next++)
        {
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations.All[next] + $"\nPRAGMA user_version = {next + 1};";
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public long BeginRun(string command, IReadOnlyList<KeyValuePair<string, string>> hostFacts, RunSettings settings)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var runId = (long)Scalar(
                "INSERT INTO runs (started, command, status, settings_json) VALUES ($started, $command, 'running', $settings) RETURNING id",
                transaction,
                ("$started", Timestamp(DateTimeOffset.UtcNow)), ("$command", command), ("$settings", StoredRecords.SettingsJson(settings)))!;
            for (var i = 0; i < hostFacts.Count; i++)
            {
                Execute(
                    "INSERT INTO host_facts (run_id, ordinal, key, value) VALUES ($run, $ordinal, $key, $value)",
                    transaction,
                    ("$run", runId), ("$ordinal", i), ("$key", hostFacts[i].Key), ("$value", hostFacts[i].Value));
            }
            transaction.Commit();
            return runId;
        }
    }

    public void AddSample(long runId, Sample sample)
    {
        lock (_gate)
        {
            Execute(
                """
                INSERT INTO samples (run_id, engine, candidate_id, profile, repeat, iops, mbps, lat_p50_us, lat_p99_us, started, seconds, raw_output, per_second_json)
                VALUES ($run, $engine, $candidate, $profile, $repeat, $iops, $mbps, $p50, $p99, $started, $seconds, $raw, $perSecond)
                """,
                null,
                ("$run", runId), ("$engine", sample.Engine.ToName()), ("$candidate", SubjectCodec.Format(sample.Subject, sample.Phase)), ("$profile", sample.Profile),
                ("$repeat", sample.Repeat), ("$iops", sample.Iops), ("$mbps", sample.MBps), ("$p50", sample.LatencyP50Us), ("$p99", sample.LatencyP99Us),
                ("$started", Timestamp(sample.StartedAt)), ("$seconds", sample.Seconds), ("$raw", sample.RawOutput),
                ("$perSecond", JsonSerializer.Serialize(sample.PerSecondIops, StoredRecords.Json)));
        }
    }

    public void AddResult(long runId, SubjectResult result)
    {
        lock (_gate)
        {
            Execute(
                """
                INSERT OR REPLACE INTO candidates (run_id, engine, candidate_id, profile, median_iops, rankable, result_json)
                VALUES ($run, $engine, $candidate, $profile, $median, $rankable, $json)
                """,
                null,
                ("$run", runId), ("$engine", result.Engine.ToName()), ("$candidate", SubjectCodec.Format(result.Subject)), ("$profile", result.Profile),
                ("$median", double.IsFinite(result.Iops.Median) ? result.Iops.Median : 0), ("$rankable", result.Rankable ? 1 : 0),
                ("$json", StoredRecords.ResultJson(result)));
        }
    }

    public void AddHostFacts(long runId, IReadOnlyList<KeyValuePair<string, string>> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var next = Convert.ToInt32(Scalar("SELECT COALESCE(MAX(ordinal) + 1, 0) FROM host_facts WHERE run_id = $run", transaction, ("$run", runId)), CultureInfo.InvariantCulture);
            for (var i = 0; i < facts.Count; i++)
            {
                Execute(
                    "INSERT INTO host_facts (run_id, ordinal, key, value) VALUES ($run, $ordinal, $key, $value)",
                    transaction,
                    ("$run", runId), ("$ordinal", next + i), ("$key", facts[i].Key), ("$value", facts[i].Value));
            }
            transaction.Commit();
        }
    }

    public void FinishRun(long runId, string status)
    {
        lock (_gate)
        {
            var changed = Execute(
                "UPDATE runs SET status = $status, finished = $finished WHERE id = $run",
                null,
                ("$status", status), ("$finished", Timestamp(DateTimeOffset.UtcNow)), ("$run", runId));
            if (changed == 0)
            {
                throw new InvalidOperationException($"run {runId}: no such run in {Path}");
            }
        }
    }

    public IReadOnlyList<RunInfo> ListRuns(int limit = 50) => [.. ListSummaries(limit).Select(s => s.Info)];

    /// <summary>The newest runs first, with their candidate count and best result.</summary>
    public IReadOnlyList<RunSummary> ListSummaries(int limit = 50)
    {
        lock (_gate)
        {
            var runs = new List<RunInfo>();
            using (var command = Command("SELECT id, started, finished, command, status, settings_json FROM runs ORDER BY id DESC LIMIT $limit", null, ("$limit", limit)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    runs.Add(ReadRun(reader));
                }
            }
            return [.. runs.Select(run => new RunSummary(run, CandidateCount(run.Id), BestResult(run.Id)) { Winner = StoredWinner(run.Id) })];
        }
    }

    public RunData? LoadRun(long runId)
    {
        lock (_gate)
        {
            RunInfo? info = null;
            using (var command = Command("SELECT id, started, finished, command, status, settings_json FROM runs WHERE id = $run", null, ("$run", runId)))
            using (var reader = command.ExecuteReader())
            {
                if (reader.Read())
                {
                    info = ReadRun(reader);
                }
            }
            if (info is null)
            {
                return null;
            }

            var facts = new List<KeyValuePair<string, string>>();
            using (var command = Command("SELECT key, value FROM host_facts WHERE run_id = $run ORDER BY ordinal", null, ("$run", runId)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    facts.Add(new(reader.GetString(0), reader.GetString(1)));
                }
            }

            var samples = new List<Sample>();
            using (var command = Command(
                """
                SELECT engine, candidate_id, profile, repeat, iops, mbps, lat_p50_us, lat_p99_us, started, seconds, raw_output, per_second_json
                FROM samples WHERE run_id = $run ORDER BY id
                """, null, ("$run", runId)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var (subject, phase) = SubjectCodec.Parse(reader.GetString(1))
                        ?? throw new InvalidDataException($"{Path}: unknown subject '{reader.GetString(1)}' in run {runId}");
                    samples.Add(new Sample(
                        Engines.Parse(reader.GetString(0)) ?? throw new InvalidDataException($"{Path}: unknown engine '{reader.GetString(0)}' in run {runId}"),
                        subject,
                        reader.GetString(2),
                        reader.GetInt32(3),
                        reader.GetDouble(4),
                        reader.GetDouble(5),
                        reader.IsDBNull(6) ? null : reader.GetDouble(6),
                        reader.IsDBNull(7) ? null : reader.GetDouble(7),
                        ParseTimestamp(reader.GetString(8)),
                        reader.GetDouble(9),
                        reader.GetString(10))
                    {
                        Phase = phase,
                        PerSecondIops = JsonSerializer.Deserialize<double[]>(reader.GetString(11), StoredRecords.Json) ?? [],
                    });
                }
            }

            var results = new List<SubjectResult>();
            using (var command = Command("SELECT result_json FROM candidates WHERE run_id = $run ORDER BY rowid", null, ("$run", runId)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    results.Add(StoredRecords.Result(reader.GetString(0), $"{Path}: run {runId}"));
                }
            }
            return new RunData(info, facts, samples, results);
        }
    }

    /// <summary>Stores the decision's overall winner of a run (null: nothing could be ranked).</summary>
    public void SetWinner(long runId, Core.Tuning.Candidate? winner)
    {
        lock (_gate)
        {
            if (Execute("UPDATE runs SET winner = $winner WHERE id = $run", null, ("$winner", winner is null ? null : SubjectCodec.CandidateText(winner)), ("$run", runId)) == 0)
            {
                throw new InvalidOperationException($"run {runId}: no such run in {Path}");
            }
        }
    }

    /// <summary>A run's host facts and summarised results, without its samples (what a decision needs), or null.</summary>
    public (IReadOnlyList<KeyValuePair<string, string>> Facts, IReadOnlyList<SubjectResult> Results)? LoadResults(long runId)
    {
        lock (_gate)
        {
            if (Scalar("SELECT id FROM runs WHERE id = $run", null, ("$run", runId)) is null)
            {
                return null;
            }
            var facts = new List<KeyValuePair<string, string>>();
            using (var command = Command("SELECT key, value FROM host_facts WHERE run_id = $run ORDER BY ordinal", null, ("$run", runId)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    facts.Add(new(reader.GetString(0), reader.GetString(1)));
                }
            }
            var results = new List<SubjectResult>();
            using (var command = Command("SELECT result_json FROM candidates WHERE run_id = $run ORDER BY rowid", null, ("$run", runId)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    results.Add(StoredRecords.Result(reader.GetString(0), $"{Path}: run {runId}"));
                }
            }
            return (facts, results);
        }
    }

    private Core.Tuning.Candidate? StoredWinner(long runId) =>
        Scalar("SELECT winner FROM runs WHERE id = $run", null, ("$run", runId)) is string text ? SubjectCodec.ParseCandidate(text) : null;

    private int CandidateCount(long runId) => Convert.ToInt32(
        Scalar("SELECT COUNT(DISTINCT candidate_id) FROM candidates WHERE run_id = $run AND engine <> 'host'", null, ("$run", runId)),
        CultureInfo.InvariantCulture);

    private SubjectResult? BestResult(long runId)
    {
        // The host engine measures the ceiling, not a candidate: it is best only when nothing else was measured.
        var json = Scalar(
            """
            SELECT result_json FROM candidates WHERE run_id = $run AND rankable = 1
            ORDER BY (engine = 'host'), median_iops DESC LIMIT 1
            """, null, ("$run", runId)) as string;
        return json is null ? null : StoredRecords.Result(json, $"{Path}: run {runId}");
    }

    private static RunInfo ReadRun(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        ParseTimestamp(reader.GetString(1)),
        reader.IsDBNull(2) ? null : ParseTimestamp(reader.GetString(2)),
        reader.GetString(3),
        reader.GetString(4),
        StoredRecords.Settings(reader.GetString(5)));

    private static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTimestamp(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private SqliteCommand Command(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    private int Execute(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        return command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public void Dispose() => _connection.Dispose();
}
