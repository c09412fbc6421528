using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using KvmTune.Core.Decisions;
using KvmTune.Core.Fleet;
using KvmTune.Core.Measurement;

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

/// <summary>A host's state as <c>fleet collect</c> stored it.</summary>
public sealed record StoredHostState(HostIdentity Host, DateTimeOffset Collected, HostState State);

/// <summary>A host's newest completed run: its id, start, identity, host facts and results.</summary>
public sealed record HostRun(long RunId, DateTimeOffset Started, HostIdentity Host, IReadOnlyList<KeyValuePair<string, string>> Facts, IReadOnlyList<SubjectResult> Results);

/// <summary>
/// The results store over SQL: one schema (<see cref="Migrations"/>, portable SQL) and one set of statements for
/// every backend; a <see cref="StoreDialect"/> says the little that differs (where the schema version is kept, column
/// types, how to serialise migrations). <see cref="SqliteRunStore"/> is the embedded file, <see cref="PostgresRunStore"/>
/// the shared server many hosts write into at once.
/// </summary>
public abstract class SqlRunStore : IRunStore, IDisposable
{
    private readonly DbConnection _connection;
    private readonly StoreDialect _dialect;
    private readonly Lock _gate = new();

    /// <summary>Takes an open connection and migrates its database to the latest schema.</summary>
    private protected SqlRunStore(DbConnection connection, StoreDialect dialect, string location)
    {
        _connection = connection;
        _dialect = dialect;
        Location = location;
        try
        {
            Migrate();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Where the store is, as a user may be shown it (a path, or a URL without its password).</summary>
    public string Location { get; }

    /// <summary>The schema version of the open database.</summary>
    public int SchemaVersion
    {
        get
        {
            lock (_gate)
            {
                return _dialect.ReadVersion(_connection, null);
            }
        }
    }

    public static int LatestSchemaVersion => Migrations.All.Count;

    private protected DbConnection Connection => _connection;

    private void Migrate()
    {
        if (_dialect.ReadVersion(_connection, null) == LatestSchemaVersion)
        {
            return;
        }
        using var transaction = _connection.BeginTransaction();
        // Several hosts may open a new shared store at once: the dialect serialises them, and the version is read
        // again once this one holds the lock.
        _dialect.LockForMigration(_connection, transaction);
        var version = _dialect.ReadVersion(_connection, transaction);
        if (version > LatestSchemaVersion)
        {
            throw new InvalidOperationException($"{Location}: schema version {version} is newer than this KvmTune knows ({LatestSchemaVersion})");
        }
        for (var next = version; next < LatestSchemaVersion; next++)
        {
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = _dialect.Ddl(Migrations.All[next]);
            command.ExecuteNonQuery();
            _dialect.WriteVersion(_connection, transaction, next + 1);
        }
        transaction.Commit();
    }

    public long BeginRun(string command, IReadOnlyList<KeyValuePair<string, string>> hostFacts, RunSettings settings)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            MarkInterrupted(transaction);
            var runId = Convert.ToInt64(Scalar(
                "INSERT INTO runs (started, command, status, settings_json, owner) VALUES (@started, @command, 'running', @settings, @owner) RETURNING id",
                transaction,
                ("@started", Timestamp(DateTimeOffset.UtcNow)), ("@command", command), ("@settings", StoredRecords.SettingsJson(settings)),
                ("@owner", RunOwner.Current)), CultureInfo.InvariantCulture);
            for (var i = 0; i < hostFacts.Count; i++)
            {
                Execute(
                    "INSERT INTO host_facts (run_id, ordinal, key, value) VALUES (@run, @ordinal, @key, @value)",
                    transaction,
                    ("@run", runId), ("@ordinal", i), ("@key", hostFacts[i].Key), ("@value", hostFacts[i].Value));
            }
            transaction.Commit();
            return runId;
        }
    }

    /// <summary>
    /// Runs still "running" whose process is gone (<see cref="RunOwner.IsGone"/>: killed, or the host rebooted) become
    /// "interrupted": a run killed with SIGKILL cannot say so itself, so the next run started on its machine does.
    /// </summary>
    private void MarkInterrupted(DbTransaction transaction)
    {
        var gone = new List<long>();
        using (var command = Command("SELECT id, owner FROM runs WHERE status = 'running' AND owner IS NOT NULL", transaction))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (RunOwner.IsGone(reader.GetString(1)))
                {
                    gone.Add(reader.GetInt64(0));
                }
            }
        }
        foreach (var id in gone)
        {
            Execute("UPDATE runs SET status = 'interrupted' WHERE id = @run AND status = 'running'", transaction, ("@run", id));
        }
    }

    public void AddSample(long runId, Sample sample)
    {
        lock (_gate)
        {
            Execute(
                """
                INSERT INTO samples (run_id, engine, candidate_id, profile, repeat, iops, mbps, lat_p50_us, lat_p99_us, started, seconds, raw_output, per_second_json)
                VALUES (@run, @engine, @candidate, @profile, @repeat, @iops, @mbps, @p50, @p99, @started, @seconds, @raw, @perSecond)
                """,
                null,
                ("@run", runId), ("@engine", sample.Engine.ToName()), ("@candidate", SubjectCodec.Format(sample.Subject, sample.Phase)), ("@profile", sample.Profile),
                ("@repeat", sample.Repeat), ("@iops", sample.Iops), ("@mbps", sample.MBps), ("@p50", sample.LatencyP50Us), ("@p99", sample.LatencyP99Us),
                ("@started", Timestamp(sample.StartedAt)), ("@seconds", sample.Seconds), ("@raw", sample.RawOutput),
                ("@perSecond", JsonSerializer.Serialize(sample.PerSecondIops, StoredRecords.Json)));
        }
    }

    public void AddResult(long runId, SubjectResult result)
    {
        lock (_gate)
        {
            Execute(
                """
                INSERT INTO candidates (run_id, engine, candidate_id, profile, median_iops, rankable, result_json, ordinal)
                VALUES (@run, @engine, @candidate, @profile, @median, @rankable, @json,
                        (SELECT COALESCE(MAX(ordinal) + 1, 0) FROM candidates WHERE run_id = @run))
                ON CONFLICT (run_id, engine, candidate_id, profile)
                DO UPDATE SET median_iops = excluded.median_iops, rankable = excluded.rankable, result_json = excluded.result_json
                """,
                null,
                ("@run", runId), ("@engine", result.Engine.ToName()), ("@candidate", SubjectCodec.Format(result.Subject)), ("@profile", result.Profile),
                ("@median", double.IsFinite(result.Iops.Median) ? result.Iops.Median : 0), ("@rankable", result.Rankable ? 1 : 0),
                ("@json", StoredRecords.ResultJson(result)));
        }
    }

    public void AddHostFacts(long runId, IReadOnlyList<KeyValuePair<string, string>> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var next = Convert.ToInt32(Scalar("SELECT COALESCE(MAX(ordinal) + 1, 0) FROM host_facts WHERE run_id = @run", transaction, ("@run", runId)), CultureInfo.InvariantCulture);
            for (var i = 0; i < facts.Count; i++)
            {
                Execute(
                    "INSERT INTO host_facts (run_id, ordinal, key, value) VALUES (@run, @ordinal, @key, @value)",
                    transaction,
                    ("@run", runId), ("@ordinal", next + i), ("@key", facts[i].Key), ("@value", facts[i].Value));
            }
            transaction.Commit();
        }
    }

    public void FinishRun(long runId, string status)
    {
        lock (_gate)
        {
            var changed = Execute(
                "UPDATE runs SET status = @status, finished = @finished WHERE id = @run",
                null,
                ("@status", status), ("@finished", Timestamp(DateTimeOffset.UtcNow)), ("@run", runId));
            if (changed == 0)
            {
                throw new InvalidOperationException($"run {runId}: no such run in {Location}");
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
            using (var command = Command("SELECT id, started, finished, command, status, settings_json FROM runs ORDER BY id DESC LIMIT @limit", null, ("@limit", limit)))
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
            using (var command = Command("SELECT id, started, finished, command, status, settings_json FROM runs WHERE id = @run", null, ("@run", runId)))
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
            using (var command = Command("SELECT key, value FROM host_facts WHERE run_id = @run ORDER BY ordinal", null, ("@run", runId)))
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
                FROM samples WHERE run_id = @run ORDER BY id
                """, null, ("@run", runId)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var (subject, phase) = SubjectCodec.Parse(reader.GetString(1))
                        ?? throw new InvalidDataException($"{Location}: unknown subject '{reader.GetString(1)}' in run {runId}");
                    samples.Add(new Sample(
                        Engines.Parse(reader.GetString(0)) ?? throw new InvalidDataException($"{Location}: unknown engine '{reader.GetString(0)}' in run {runId}"),
                        subject,
                        reader.GetString(2),
                        Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture),
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
            using (var command = Command($"SELECT result_json FROM candidates WHERE run_id = @run ORDER BY ordinal, {_dialect.InsertionOrder}", null, ("@run", runId)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    results.Add(StoredRecords.Result(reader.GetString(0), $"{Location}: run {runId}"));
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
            if (Execute("UPDATE runs SET winner = @winner WHERE id = @run", null, ("@winner", winner is null ? null : SubjectCodec.CandidateText(winner)), ("@run", runId)) == 0)
            {
                throw new InvalidOperationException($"run {runId}: no such run in {Location}");
            }
        }
    }

    /// <summary>
    /// Stores a run's decision: its overall winner (history shows it) and its recommendation with the constraints it
    /// was decided under (the next run's <see cref="StandingFor"/>).
    /// </summary>
    public void SetDecision(long runId, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        SetWinner(runId, decision.Winner);
        if (decision.Winner is null)
        {
            return;
        }
        var json = JsonSerializer.Serialize(new StoredRecommendation(decision.Constraints.Signature, SubjectCodec.CandidateText(decision.Winner),
            decision.WinnerBySourceType.ToDictionary(p => p.Key, p => (string?)SubjectCodec.CandidateText(p.Value), StringComparer.Ordinal)), StoredRecords.Json);
        lock (_gate)
        {
            Execute("UPDATE runs SET recommendation_json = @json WHERE id = @run", null, ("@json", json), ("@run", runId));
        }
    }

    /// <summary>
    /// The standing recommendation for run <paramref name="runId"/>: the one the newest earlier completed run made on the
    /// same machine (machine id) with the same plan (identical settings), or null.
    /// </summary>
    public StandingRecommendation? StandingFor(long runId)
    {
        lock (_gate)
        {
            using var command = Command(
                """
                SELECT r.id, r.recommendation_json FROM runs r, runs me, host_facts f, host_facts mf
                WHERE me.id = @run AND r.id < me.id AND r.status = 'completed' AND r.recommendation_json IS NOT NULL
                  AND r.settings_json = me.settings_json
                  AND f.run_id = r.id AND f.key = @key AND mf.run_id = me.id AND mf.key = @key AND f.value = mf.value AND mf.value <> ''
                ORDER BY r.id DESC LIMIT 1
                """,
                null, ("@run", runId), ("@key", HostFactKeys.MachineId));
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }
            var id = reader.GetInt64(0);
            try
            {
                // A damaged recommendation is no recommendation: decide as if there were none.
                var stored = JsonSerializer.Deserialize<StoredRecommendation>(reader.GetString(1), StoredRecords.Json);
                if (stored?.Constraints is null || stored.Overall is null || SubjectCodec.ParseCandidate(stored.Overall) is not { } overall)
                {
                    return null;
                }
                var bySource = new Dictionary<string, Core.Tuning.Candidate>(StringComparer.Ordinal);
                foreach (var (type, text) in stored.BySourceType ?? [])
                {
                    if (text is not null && SubjectCodec.ParseCandidate(text) is { } c)
                    {
                        bySource[type] = c;
                    }
                }
                return new StandingRecommendation(id, stored.Constraints, overall, bySource);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    private sealed record StoredRecommendation(string? Constraints, string? Overall, Dictionary<string, string?>? BySourceType);

    /// <summary>A run's host facts and summarised results, without its samples (what a decision needs), or null.</summary>
    public (IReadOnlyList<KeyValuePair<string, string>> Facts, IReadOnlyList<SubjectResult> Results)? LoadResults(long runId)
    {
        lock (_gate)
        {
            if (Scalar("SELECT id FROM runs WHERE id = @run", null, ("@run", runId)) is null)
            {
                return null;
            }
            var facts = new List<KeyValuePair<string, string>>();
            using (var command = Command("SELECT key, value FROM host_facts WHERE run_id = @run ORDER BY ordinal", null, ("@run", runId)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    facts.Add(new(reader.GetString(0), reader.GetString(1)));
                }
            }
            var results = new List<SubjectResult>();
            using (var command = Command($"SELECT result_json FROM candidates WHERE run_id = @run ORDER BY ordinal, {_dialect.InsertionOrder}", null, ("@run", runId)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    results.Add(StoredRecords.Result(reader.GetString(0), $"{Location}: run {runId}"));
                }
            }
            return (facts, results);
        }
    }

    /// <summary>The stored text of a result (the <c>result_json</c> column), for bulk imports that write rows themselves.</summary>
    public static string EncodeResult(SubjectResult result) => StoredRecords.ResultJson(result);

    /// <summary>The stored text of a run's settings (the <c>settings_json</c> column).</summary>
    public static string EncodeSettings(RunSettings settings) => StoredRecords.SettingsJson(settings);

    /// <summary>The stored text of a time (ISO 8601, UTC), as every TEXT time column holds it.</summary>
    public static string EncodeTime(DateTimeOffset value) => Timestamp(value);

    /// <summary>Stores the disk settings in force a host reported (<c>fleet collect</c>), with its identity and the time.</summary>
    public long AddHostState(HostIdentity host, DateTimeOffset collected, HostState state)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            return Convert.ToInt64(Scalar(
                """
                INSERT INTO host_states (collected, host_name, machine_id, fingerprint, facts_json, state_json)
                VALUES (@collected, @name, @machine, @fingerprint, @facts, @state) RETURNING id
                """,
                null,
                ("@collected", Timestamp(collected)), ("@name", host.HostName), ("@machine", host.MachineId), ("@fingerprint", host.Storage.Hash),
                ("@facts", JsonSerializer.Serialize(host.ToFacts().ToDictionary(f => f.Key, f => f.Value), StoredRecords.Json)),
                ("@state", JsonSerializer.Serialize(state, StoredRecords.Json))), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The newest state each host reported (by <see cref="HostIdentity.Key"/>).</summary>
    public IReadOnlyList<StoredHostState> LatestHostStates()
    {
        lock (_gate)
        {
            var latest = new Dictionary<string, StoredHostState>(StringComparer.Ordinal);
            using var command = Command("SELECT id, collected, facts_json, state_json FROM host_states ORDER BY id", null);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var facts = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(2), StoredRecords.Json) ?? [];
                var host = HostIdentity.FromFacts(facts);
                var state = JsonSerializer.Deserialize<HostState>(reader.GetString(3), StoredRecords.Json)
                    ?? throw new InvalidDataException($"{Location}: host state {reader.GetValue(0)} is empty");
                latest[host.Key] = new StoredHostState(host, ParseTimestamp(reader.GetString(1)), state);
            }
            return [.. latest.Values];
        }
    }

    /// <summary>
    /// The newest completed run of every host that has one, with its host, facts and results (no samples): what
    /// <c>fleet report</c> decides from. Three queries whatever the number of hosts: the identity facts of completed
    /// runs, then the facts and the results of the chosen runs.
    /// </summary>
    public IReadOnlyList<HostRun> LatestRunPerHost()
    {
        lock (_gate)
        {
            var keys = string.Join(", ", HostIdentity.FactKeys.Select(k => $"'{k}'"));
            var identities = new Dictionary<long, (DateTimeOffset Started, List<KeyValuePair<string, string>> Facts)>();
            using (var command = Command(
                $"""
                SELECT r.id, r.started, f.key, f.value FROM runs r JOIN host_facts f ON f.run_id = r.id
                WHERE r.status = 'completed' AND f.key IN ({keys}) ORDER BY r.id, f.ordinal
                """, null))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var id = reader.GetInt64(0);
                    if (!identities.TryGetValue(id, out var entry))
                    {
                        entry = (ParseTimestamp(reader.GetString(1)), []);
                        identities[id] = entry;
                    }
                    entry.Facts.Add(new(reader.GetString(2), reader.GetString(3)));
                }
            }
            var chosen = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (id, entry) in identities)
            {
                var key = HostIdentity.FromFacts(entry.Facts).Key;
                if (!chosen.TryGetValue(key, out var other) || other < id)
                {
                    chosen[key] = id;
                }
            }
            if (chosen.Count == 0)
            {
                return [];
            }
            var ids = chosen.Values.Order().ToList();
            // Run ids are numbers this store gave out: safe to write into the statement.
            var idList = string.Join(", ", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
            var facts = ids.ToDictionary(i => i, _ => new List<KeyValuePair<string, string>>());
            using (var command = Command($"SELECT run_id, key, value FROM host_facts WHERE run_id IN ({idList}) ORDER BY run_id, ordinal", null))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    facts[reader.GetInt64(0)].Add(new(reader.GetString(1), reader.GetString(2)));
                }
            }
            var results = ids.ToDictionary(i => i, _ => new List<SubjectResult>());
            using (var command = Command(
                $"SELECT run_id, result_json FROM candidates WHERE run_id IN ({idList}) ORDER BY run_id, ordinal, {_dialect.InsertionOrder}", null))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var id = reader.GetInt64(0);
                    results[id].Add(StoredRecords.Result(reader.GetString(1), $"{Location}: run {id}"));
                }
            }
            return [.. ids.Select(id => new HostRun(id, identities[id].Started, HostIdentity.FromFacts(facts[id]), facts[id], results[id]))];
        }
    }

    private Core.Tuning.Candidate? StoredWinner(long runId) =>
        Scalar("SELECT winner FROM runs WHERE id = @run", null, ("@run", runId)) is string text ? SubjectCodec.ParseCandidate(text) : null;

    private int CandidateCount(long runId) => Convert.ToInt32(
        Scalar("SELECT COUNT(DISTINCT candidate_id) FROM candidates WHERE run_id = @run AND engine <> 'host'", null, ("@run", runId)),
        CultureInfo.InvariantCulture);

    private SubjectResult? BestResult(long runId)
    {
        // The host engine measures the ceiling, not a candidate: it is best only when nothing else was measured.
        var json = Scalar(
            """
            SELECT result_json FROM candidates WHERE run_id = @run AND rankable = 1
            ORDER BY (engine = 'host'), median_iops DESC LIMIT 1
            """, null, ("@run", runId)) as string;
        return json is null ? null : StoredRecords.Result(json, $"{Location}: run {runId}");
    }

    private static RunInfo ReadRun(DbDataReader reader) => new(
        reader.GetInt64(0),
        ParseTimestamp(reader.GetString(1)),
        reader.IsDBNull(2) ? null : ParseTimestamp(reader.GetString(2)),
        reader.GetString(3),
        reader.GetString(4),
        StoredRecords.Settings(reader.GetString(5)));

    private static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTimestamp(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private DbCommand Command(string sql, DbTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private int Execute(string sql, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        return command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public void Dispose()
    {
        _connection.Dispose();
        GC.SuppressFinalize(this);
    }
}
