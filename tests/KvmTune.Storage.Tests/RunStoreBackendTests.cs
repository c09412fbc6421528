using KvmTune.Core;
using KvmTune.Core.Fleet;
using KvmTune.Core.Measurement;
using Npgsql;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Storage.Tests;

/// <summary>
/// The store's behaviour on both backends: a SQLite file, and PostgreSQL 15 (scripts/test-services.sh) in a schema of
/// its own per test (search_path), dropped afterwards.
/// </summary>
public sealed class RunStoreBackendTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-backends-").FullName;
    private readonly string _schema = $"t_{Guid.NewGuid():N}";
    private bool _schemaCreated;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        if (_schemaCreated)
        {
            Execute(TestServices.Load().PostgresUrl, $"DROP SCHEMA {_schema} CASCADE");
        }
    }

    private string Location(string backend)
    {
        if (backend == "sqlite")
        {
            return Path.Combine(_dir, "kvmtune.db");
        }
        var url = TestServices.Load().PostgresUrl;
        if (!_schemaCreated)
        {
            Execute(url, $"CREATE SCHEMA {_schema}");
            _schemaCreated = true;
        }
        return $"{url}?search_path={_schema}";
    }

    private static SqlRunStore Open(string location) =>
        PostgresUrl.IsUrl(location) ? new PostgresRunStore(location) : new SqliteRunStore(location);

    private static void Execute(string url, string sql)
    {
        using var connection = new NpgsqlConnection(PostgresUrl.Parse(url).ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static HostIdentity Host(int i) => new($"compute-{i}", $"{i:x32}", new StorageFingerprint("QEMU HARDDISK", "no", "ext4", "6.1.0-40-amd64", "7.2.22", "9.0.0"));

    private static SubjectResult Result(string candidate, double median) =>
        new(Engine.Qemu, S(candidate), "randread-4k-qd32", new Statistic(median, median * 0.95, median * 1.05, 0.02, 3), new Statistic(median / 250, median / 260, median / 240, 0.02, 3), 300, 1200);

    private static Sample NewSample(string candidate, int repeat, double iops) =>
        new(Engine.Qemu, S(candidate), "randread-4k-qd32", repeat, iops, iops / 250, null, null, new DateTimeOffset(2026, 12, 2, 8, 0, repeat, TimeSpan.Zero), 3, "{}");

    private static long WriteRun(SqlRunStore store, HostIdentity host, double scale)
    {
        var id = store.BeginRun("kvmtune tune --quick", host.ToFacts(), RunSettings.Empty with { Profiles = ["randread-4k-qd32"] });
        for (var r = 1; r <= 3; r++)
        {
            store.AddSample(id, NewSample("raw-prealloc/none/native", r, 1000 * scale + r));
            store.AddSample(id, NewSample("qcow2-sparse/none/io_uring", r, 800 * scale + r));
        }
        store.AddResult(id, Result("raw-prealloc/none/native", 1000 * scale));
        store.AddResult(id, Result("qcow2-sparse/none/io_uring", 800 * scale));
        store.FinishRun(id, "completed");
        return id;
    }

    private void SetOwner(string backend, string location, long runId, string owner)
    {
        var sql = $"UPDATE runs SET owner = '{owner.Replace("'", "''", StringComparison.Ordinal)}' WHERE id = {runId}";
        if (backend == "postgresql")
        {
            Execute(TestServices.Load().PostgresUrl, $"SET search_path = {_schema}; {sql}");
            return;
        }
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={location};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public void A_run_whose_process_was_killed_is_marked_interrupted_when_the_next_run_starts(string backend)
    {
        // Given a run whose process was killed with SIGKILL (it could not say so), a run of this live process, and a run
        // of another machine sharing the store
        var location = Location(backend);
        using var store = Open(location);
        var settings = RunSettings.Empty with { Profiles = ["randread-4k-qd32"] };
        var killed = store.BeginRun("kvmtune bench", Host(1).ToFacts(), settings);
        var alive = store.BeginRun("kvmtune bench", Host(1).ToFacts(), settings);
        var elsewhere = store.BeginRun("kvmtune bench", Host(2).ToFacts(), settings);
        SetOwner(backend, location, elsewhere, "another-machine/boot/1/1");
        using (var process = System.Diagnostics.Process.Start("sleep", "600"))
        {
            SetOwner(backend, location, killed, RunOwner.Of(process.Id)!);
            process.Kill();
            process.WaitForExit();
        }
        var before = store.ListRuns().ToDictionary(r => r.Id, r => r.Status);

        // When the next run starts
        var next = store.BeginRun("kvmtune tune", Host(1).ToFacts(), settings);

        // Then only the killed run is interrupted; the others run on
        var after = store.ListRuns().ToDictionary(r => r.Id, r => r.Status);
        Assert.Equal("running", before[killed]);
        Assert.Equal("interrupted", after[killed]);
        Assert.Equal("running", after[alive]);
        Assert.Equal("running", after[elsewhere]);
        Assert.Equal("running", after[next]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public void The_standing_recommendation_is_the_previous_completed_run_of_the_same_plan_on_the_same_machine(string backend)
    {
        // Given a completed run with its decision, then runs of the same plan on the same machine, of another plan, and
        // of the same plan on another machine
        using var store = Open(Location(backend));
        var first = WriteRun(store, Host(1), 1.0);
        var decision = KvmTune.Core.Decisions.Advisor.Decide(store.LoadRun(first)!.Results, KvmTune.Core.Rules.HostFacts.Unknown, KvmTune.Core.Decisions.AdvisorConstraints.Default);
        store.SetDecision(first, decision);
        var settings = RunSettings.Empty with { Profiles = ["randread-4k-qd32"] };
        var same = store.BeginRun("kvmtune tune --quick", Host(1).ToFacts(), settings);
        var otherPlan = store.BeginRun("kvmtune tune --quick", Host(1).ToFacts(), settings with { Repeats = [9] });
        var otherMachine = store.BeginRun("kvmtune tune --quick", Host(2).ToFacts(), settings);

        // Then only the first finds it, with its winner per source type and the constraints it was decided under
        var standing = store.StandingFor(same);
        Assert.NotNull(standing);
        Assert.Equal(first, standing.RunId);
        Assert.Equal(decision.Winner, standing.Overall);
        Assert.Equal(decision.WinnerBySourceType["file"], standing.BySourceType["file"]);
        Assert.Equal(decision.Constraints.Signature, standing.Constraints);
        Assert.Null(store.StandingFor(otherPlan));
        Assert.Null(store.StandingFor(otherMachine));
        Assert.Null(store.StandingFor(first));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public void A_run_round_trips_and_history_lists_it_on_both_backends(string backend)
    {
        var location = Location(backend);
        long id;
        using (var store = Open(location))
        {
            id = WriteRun(store, Host(1), 1);
            store.SetWinner(id, C("raw-prealloc/none/native"));
        }

        using var reopened = Open(location);
        Assert.Equal(SqlRunStore.LatestSchemaVersion, reopened.SchemaVersion);
        var run = reopened.LoadRun(id)!;
        Assert.Equal("completed", run.Info.Status);
        Assert.Equal(6, run.Samples.Count);
        Assert.Equal(["raw-prealloc/none/native", "qcow2-sparse/none/io_uring"], run.Results.Select(r => r.Candidate!.Id));
        Assert.Equal(Host(1), HostIdentity.FromFacts(run.HostFacts));
        var summary = Assert.Single(reopened.ListSummaries());
        Assert.Equal(2, summary.CandidateCount);
        Assert.Equal(C("raw-prealloc/none/native"), summary.Winner);
        Assert.Equal(1000, summary.Best!.Iops.Median);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public void Fleet_reads_the_newest_run_and_state_of_each_host_on_both_backends(string backend)
    {
        using var store = Open(Location(backend));
        WriteRun(store, Host(1), 1);
        var newer = WriteRun(store, Host(1), 2);
        var other = WriteRun(store, Host(2), 1);
        store.AddHostState(Host(2), DateTimeOffset.UnixEpoch, new HostState([new("libvirt", "vm/vda", "writeback", "threads")], 1, 0, ["KT003"], []));
        store.AddHostState(Host(2), DateTimeOffset.UnixEpoch.AddDays(1), new HostState([new("libvirt", "vm/vda", "none", "native")], 0, 0, [], []));

        var runs = store.LatestRunPerHost();
        var states = store.LatestHostStates();

        Assert.Equal([newer, other], runs.Select(r => r.RunId));
        Assert.Equal(2000, runs[0].Results[0].Iops.Median);
        var state = Assert.Single(states);
        Assert.Equal("none", Assert.Single(state.State.Settings).Cache);
        Assert.Equal(Host(2).Storage.Hash, state.Host.Storage.Hash);
    }

    [Fact]
    public void Eight_concurrent_writers_into_one_PostgreSQL_database_neither_lose_nor_mix_a_run()
    {
        var location = Location("postgresql");
        using (Open(location))
        {
        }

        // Eight writers, each with its own connection, each writing three runs of its own host at once.
        var written = new long[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, w =>
        {
            using var store = Open(location);
            written[w] = [.. Enumerable.Range(0, 3).Select(_ => WriteRun(store, Host(100 + w), w + 1))];
        });

        using var reader = Open(location);
        Assert.Equal(24, reader.ListRuns(100).Count);
        for (var w = 0; w < 8; w++)
        {
            foreach (var id in written[w])
            {
                var run = reader.LoadRun(id)!;
                Assert.Equal($"compute-{100 + w}", HostIdentity.FromFacts(run.HostFacts).HostName);
                Assert.Equal(6, run.Samples.Count);
                Assert.All(run.Samples, s => Assert.InRange(s.Iops, 800 * (w + 1), (1000 * (w + 1)) + 3));
                Assert.Equal([1000.0 * (w + 1), 800.0 * (w + 1)], run.Results.Select(r => r.Iops.Median));
            }
        }
        Assert.Equal(8, reader.LatestRunPerHost().Count);
    }

    [Theory]
    [InlineData("postgresql://", "no host")]
    [InlineData("postgresql://u:secret@db:notaport/kvmtune", "is not a port number")]
    [InlineData("postgresql://u@db/kvmtune?sslmode=sometimes", "sslmode 'sometimes'")]
    [InlineData("postgresql://u@db/kvmtune?colour=blue", "unknown query parameter 'colour'")]
    [InlineData("postgresql://u@db", "no database name")]
    public void A_malformed_URL_is_one_line_of_bad_input_without_the_password(string url, string expected)
    {
        var e = Assert.Throws<InputException>(() => new PostgresRunStore(url));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void An_unreachable_server_is_a_host_failure_naming_the_URL_without_the_password()
    {
        // Port 1 on loopback: nothing listens there.
        var e = Assert.Throws<HostFailureException>(() => new PostgresRunStore("postgresql://kvmtune:secret@127.0.0.1:1/kvmtune?connect_timeout=3"));
        Assert.StartsWith("--db postgresql://kvmtune@127.0.0.1:1/kvmtune: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }
}
