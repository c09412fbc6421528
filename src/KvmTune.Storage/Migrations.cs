namespace KvmTune.Storage;

/// <summary>
/// The store's schema as an ordered list of migrations: migration N brings a database from schema version N-1 to N
/// (SQLite keeps the version in <c>PRAGMA user_version</c>, PostgreSQL in <c>kvmtune_schema</c>). One schema for both:
/// write SQL both understand (<see cref="StoreDialect.Ddl"/> maps SQLite's rowid keys and REAL). Never edit a released
/// migration; append a new one.
/// </summary>
public static class Migrations
{
    public static IReadOnlyList<string> All { get; } =
    [
        // 1: runs, their host fingerprint and raw samples.
        """
        CREATE TABLE runs (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            started       TEXT NOT NULL,
            finished      TEXT,
            command       TEXT NOT NULL,
            status        TEXT NOT NULL,
            settings_json TEXT NOT NULL
        );
        CREATE TABLE host_facts (
            run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            key     TEXT NOT NULL,
            value   TEXT NOT NULL,
            PRIMARY KEY (run_id, ordinal)
        );
        CREATE TABLE samples (
            id           INTEGER PRIMARY KEY,
            run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            engine       TEXT NOT NULL,
            candidate_id TEXT NOT NULL,
            profile      TEXT NOT NULL,
            repeat       INTEGER NOT NULL,
            iops         REAL NOT NULL,
            mbps         REAL NOT NULL,
            lat_p50_us   REAL,
            lat_p99_us   REAL,
            started      TEXT NOT NULL,
            seconds      REAL NOT NULL,
            raw_output   TEXT NOT NULL
        );
        CREATE INDEX samples_by_run ON samples (run_id, engine, candidate_id, profile);
        """,
        // 2: per-second series (burst vs sustained) and per-candidate summaries.
        """
        ALTER TABLE samples ADD COLUMN per_second_json TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE candidates (
            run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            engine       TEXT NOT NULL,
            candidate_id TEXT NOT NULL,
            profile      TEXT NOT NULL,
            median_iops  REAL NOT NULL,
            rankable     INTEGER NOT NULL,
            result_json  TEXT NOT NULL,
            PRIMARY KEY (run_id, engine, candidate_id, profile)
        );
        """,
        // 3: the decision's overall winner, stored when the run finishes (history shows it); NULL for older runs and
        // for runs where nothing could be ranked.
        """
        ALTER TABLE runs ADD COLUMN winner TEXT;
        """,
        // 4: the order results were stored in (SQLite's rowid did it before; PostgreSQL has none), and the disk settings
        // in force each host reported (fleet collect), with the host's identity.
        """
        ALTER TABLE candidates ADD COLUMN ordinal INTEGER;
        CREATE TABLE host_states (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            collected   TEXT NOT NULL,
            host_name   TEXT NOT NULL,
            machine_id  TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            facts_json  TEXT NOT NULL,
            state_json  TEXT NOT NULL
        );
        CREATE INDEX host_states_by_host ON host_states (machine_id, id);
        """,
        // 5: the process that runs a run (RunOwner), so that the next run started marks a run whose process is gone as
        // interrupted; NULL for older runs.
        """
        ALTER TABLE runs ADD COLUMN owner TEXT;
        """,
        // 6: the run's recommendation with the constraints it was decided under (the standing recommendation of the next
        // run of the same plan on the host); NULL for older runs.
        """
        ALTER TABLE runs ADD COLUMN recommendation_json TEXT;
        """,
    ];
}
