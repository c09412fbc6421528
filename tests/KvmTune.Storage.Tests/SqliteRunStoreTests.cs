using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using Microsoft.Data.Sqlite;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Storage.Tests;

public sealed class SqliteRunStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-store-").FullName;

    private string DbPath => Path.Combine(_dir, SqliteRunStore.DefaultFileName);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly KeyValuePair<string, string>[] Facts =
    [
        new(HostFactKeys.Kernel, "6.18.44-fc-v657"),
        new(HostFactKeys.QemuVersion, "7.2.22"),
        new(HostFactKeys.Accelerator, "tcg"),
    ];

    private static Sample NewSample(Engine engine, string candidate, int repeat, double iops) =>
        new(engine, S(candidate), "randread-4k-qd32", repeat, iops, iops * 4096 / 1e6, 310.5, 1200.25,
            new DateTimeOffset(2026, 11, 26, 6, 50, repeat, TimeSpan.Zero), 3.01, $$$"""{"fio version":"fio-3.33","jobs":[{"read":{"iops":{{{iops}}}}}]}""")
        {
            PerSecondIops = [iops * 1.1, iops, iops * 0.9],
        };

    private static SubjectResult NewResult(Engine engine, string candidate, double median, bool harnessBound = false) =>
        new(engine, S(candidate), "randread-4k-qd32", new Statistic(median, median * 0.95, median * 1.05, 0.02, 3), new Statistic(median * 0.004, median * 0.0038, median * 0.0042, 0.02, 3), 300, 1200)
        {
            RatioToHost = 0.8,
            HarnessBound = harnessBound,
            BurstIops = median * 2,
        };

    private static readonly RunSettings Settings = new()
    {
        Engines = [Engine.Host, Engine.Qemu],
        Backends = [Backend.RawPrealloc, Backend.Lvm],
        Candidates = [C("raw-prealloc/none/native"), C("lvm/directsync/io_uring")],
        Skipped = [C("raw-prealloc/writeback/native")],
        Profiles = ["randread-4k-qd32"],
        Seconds = 0.3,
        SizeBytes = 512L << 20,
        Repeats = [3, 3],
        VolumeGroup = "vg_nova",
    };

    [Fact]
    public void A_run_round_trips_with_facts_samples_and_results()
    {
        // Given a run with host facts, samples and results written to a file database
        long runId;
        var sample = NewSample(Engine.Qemu, "raw-prealloc/none/native", 1, 98_000);
        var result = NewResult(Engine.Qemu, "raw-prealloc/none/native", 98_000) with { SkippedCode = null };
        using (var store = new SqliteRunStore(DbPath))
        {
            runId = store.BeginRun("kvmtune bench --quick", Facts, Settings);
            store.AddSample(runId, sample);
            store.AddResult(runId, result);
            store.FinishRun(runId, "completed");
        }

        // When the database is opened again and the run loaded
        using var reopened = new SqliteRunStore(DbPath);
        var run = reopened.LoadRun(runId)!;

        // Then everything comes back as written
        Assert.Equal("kvmtune bench --quick", run.Info.Command);
        Assert.Equal("completed", run.Info.Status);
        Assert.Equal(Settings.VolumeGroup, run.Info.Settings.VolumeGroup);
        Assert.Equal(Settings.Candidates, run.Info.Settings.Candidates);
        Assert.Equal(Settings.Backends, run.Info.Settings.Backends);
        Assert.Equal(Settings.Repeats, run.Info.Settings.Repeats);
        Assert.NotNull(run.Info.FinishedAt);
        Assert.Equal(Facts, run.HostFacts);
        var loaded = Assert.Single(run.Samples);
        Assert.Equal(sample with { PerSecondIops = [] }, loaded with { PerSecondIops = [] });
        Assert.Equal(sample.PerSecondIops, loaded.PerSecondIops);
        Assert.Equal(sample.RawOutput, loaded.RawOutput);
        var loadedResult = Assert.Single(run.Results);
        Assert.Equal(result, loadedResult);
        Assert.Equal(196_000, loadedResult.BurstIops);
    }

    [Fact]
    public void History_lists_newest_first_with_candidate_count_and_best_rankable_result()
    {
        // Given two runs, the second with a host ceiling, two candidates and a harness-bound one
        using var store = new SqliteRunStore(DbPath);
        var first = store.BeginRun("kvmtune bench", Facts, RunSettings.Empty);
        store.FinishRun(first, "failed");
        var second = store.BeginRun("kvmtune bench --quick", Facts, RunSettings.Empty);
        store.AddResult(second, NewResult(Engine.Host, "raw-prealloc", 150_000));
        store.AddResult(second, NewResult(Engine.Qemu, "raw-prealloc/none/native", 98_000));
        store.AddResult(second, NewResult(Engine.Qemu, "raw-prealloc/none/threads", 41_000));
        store.AddResult(second, NewResult(Engine.Qemu, "raw-prealloc/writeback/threads", 700_000, harnessBound: true));

        // When history is listed
        var runs = store.ListSummaries();

        // Then the newest run comes first; its best is the fastest rankable candidate, not the host ceiling
        Assert.Equal([second, first], runs.Select(r => r.Info.Id));
        Assert.Equal("running", runs[0].Info.Status);
        Assert.Equal(3, runs[0].CandidateCount);
        Assert.Equal(S("raw-prealloc/none/native"), runs[0].Best?.Subject);
        Assert.Null(runs[1].Best);
        Assert.Equal([second, first], store.ListRuns(limit: 5).Select(r => r.Id));
    }

    [Fact]
    public void A_runs_winner_facts_added_later_and_results_are_stored_and_read_without_its_samples()
    {
        // Given a run, its results, a fact added while it measured, and the decision's winner
        using var store = new SqliteRunStore(DbPath);
        var run = store.BeginRun("kvmtune tune", Facts, RunSettings.Empty);
        store.AddResult(run, NewResult(Engine.Qemu, "raw-prealloc/none/native", 98_000));
        store.AddHostFacts(run, [new(HostFactKeys.LoadAfter, "1.00 0.80 0.60")]);
        store.SetWinner(run, C("raw-prealloc/none/native"));
        store.FinishRun(run, "completed");

        // When it is listed and its results loaded
        var summary = Assert.Single(store.ListSummaries());
        var (facts, results) = store.LoadResults(run)!.Value;

        // Then the winner comes back typed, the added fact follows the first ones, and the results are there
        Assert.Equal(C("raw-prealloc/none/native"), summary.Winner);
        Assert.Equal(HostFactKeys.LoadAfter, facts[^1].Key);
        Assert.Equal(Facts.Length + 1, facts.Count);
        Assert.Single(results);
        Assert.Null(store.LoadResults(run + 1));
        Assert.Equal(3, store.SchemaVersion);
    }

    [Fact]
    public void An_unknown_run_loads_as_null_and_cannot_be_finished()
    {
        using var store = new SqliteRunStore(DbPath);
        Assert.Null(store.LoadRun(42));
        var error = Assert.Throws<InvalidOperationException>(() => store.FinishRun(42, "completed"));
        Assert.Contains("run 42", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_database_is_at_the_latest_schema_in_wal_mode()
    {
        using var store = new SqliteRunStore(DbPath);
        Assert.Equal(SqliteRunStore.LatestSchemaVersion, store.SchemaVersion);
        using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void A_version_1_database_is_upgraded_keeping_its_runs_and_samples()
    {
        // Given a database created with migration 1 only, holding a run and a sample
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Migrations.All[0] + """
                PRAGMA user_version = 1;
                INSERT INTO runs (id, started, finished, command, status, settings_json)
                VALUES (7, '2026-11-20T10:00:00.0000000+00:00', '2026-11-20T10:05:00.0000000+00:00', 'kvmtune bench', 'completed', '{}');
                INSERT INTO host_facts (run_id, ordinal, key, value) VALUES (7, 0, 'kernel.version', '6.1.0');
                INSERT INTO samples (run_id, engine, candidate_id, profile, repeat, iops, mbps, lat_p50_us, lat_p99_us, started, seconds, raw_output)
                VALUES (7, 'host', 'raw-prealloc', 'randread-4k-qd32', 1, 120000, 491.5, NULL, NULL, '2026-11-20T10:01:00.0000000+00:00', 3, '{"fio version":"fio-3.33"}');
                """;
            command.ExecuteNonQuery();
        }

        // When the store opens it
        using var store = new SqliteRunStore(DbPath);

        // Then it is at the latest schema, and the old run loads with an empty per-second series
        Assert.Equal(SqliteRunStore.LatestSchemaVersion, store.SchemaVersion);
        var run = store.LoadRun(7)!;
        Assert.Equal("completed", run.Info.Status);
        Assert.Equal([new KeyValuePair<string, string>("kernel.version", "6.1.0")], run.HostFacts);
        var sample = Assert.Single(run.Samples);
        Assert.Equal(Engine.Host, sample.Engine);
        Assert.Equal(120000, sample.Iops);
        Assert.Null(sample.LatencyP50Us);
        Assert.Empty(sample.PerSecondIops);
        Assert.Empty(run.Results);
        // And new results can be added to the upgraded database
        store.AddResult(7, NewResult(Engine.Host, "raw-prealloc", 120000));
        Assert.Single(store.LoadRun(7)!.Results);
    }

    [Fact]
    public void A_database_newer_than_this_version_is_refused()
    {
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {SqliteRunStore.LatestSchemaVersion + 1}";
            command.ExecuteNonQuery();
        }
        var error = Assert.Throws<InvalidOperationException>(() => new SqliteRunStore(DbPath));
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_with_zero_median_and_infinite_relative_width_is_stored()
    {
        using var store = new SqliteRunStore(DbPath);
        var run = store.BeginRun("kvmtune bench", [], RunSettings.Empty);
        var skipped = new SubjectResult(Engine.Qemu, S("qcow2-sparse/writeback/native"), "randread-4k-qd32",
            new Statistic(0, 0, 0, 0, 0), new Statistic(0, 0, 0, 0, 0), null, null)
        { SkippedCode = "KT001" };
        store.AddResult(run, skipped);
        Assert.Equal(skipped, Assert.Single(store.LoadRun(run)!.Results));
    }
}
