using System.Diagnostics;
using System.Text.Json;
using KvmTune.Cli.Tests.Commands;
using KvmTune.Core.Fleet;
using KvmTune.Core.Measurement;
using KvmTune.Storage;
using Npgsql;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Cli.Tests.Fleet;

/// <summary>
/// The store commands and <c>fleet collect/report</c> through the CLI, on a SQLite file and on PostgreSQL 15
/// (scripts/test-services.sh) in a schema of the test's own.
/// </summary>
public sealed class FleetCommandsTests : IDisposable
{
    private const string RandRead = "randread-4k-qd32";
    private const string SeqWrite = "randwrite-4k-qd32";

    private readonly TempDir _dir = new();
    private readonly string _schema = $"t_{Guid.NewGuid():N}";
    private bool _schemaCreated;

    public void Dispose()
    {
        _dir.Dispose();
        if (_schemaCreated)
        {
            Execute($"DROP SCHEMA {_schema} CASCADE");
        }
    }

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(PostgresUrl.Parse(TestServices.Load().PostgresUrl).ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private string Db(string backend)
    {
        if (backend == "sqlite")
        {
            return Path.Combine(_dir.Path, "kvmtune.db");
        }
        if (!_schemaCreated)
        {
            Execute($"CREATE SCHEMA {_schema}");
            _schemaCreated = true;
        }
        return $"{TestServices.Load().PostgresUrl}?search_path={_schema}";
    }

    private static SqlRunStore Open(string db) => PostgresUrl.IsUrl(db) ? new PostgresRunStore(db) : new SqliteRunStore(db);

    private static HostIdentity Host(string name, string model = "QEMU HARDDISK") =>
        new(name, name.GetHashCode(StringComparison.Ordinal).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + "0000", new StorageFingerprint(model, "no", "ext4", "6.1.0-40-amd64", "7.2.22", "9.0.0"));

    private static SubjectResult Result(string candidate, string profile, double median) =>
        new(Engine.Qemu, S(candidate), profile, new Statistic(median, median * 0.97, median * 1.03, 0.02, 5), new Statistic(median / 250, median / 258, median / 242, 0.02, 5), null, null);

    /// <summary>A completed run of one host: two candidates in two profiles, raw-prealloc <paramref name="rawOverQcow"/> times as fast.</summary>
    private static long Seed(SqlRunStore store, HostIdentity host, double scale, double rawOverQcow)
    {
        var id = store.BeginRun("kvmtune tune", host.ToFacts(), RunSettings.Empty with { Profiles = [RandRead, SeqWrite] });
        foreach (var profile in new[] { RandRead, SeqWrite })
        {
            store.AddSample(id, new Sample(Engine.Qemu, S("raw-prealloc/none/native"), profile, 1, 1000 * scale, 4, null, null, DateTimeOffset.UtcNow, 3, "{}"));
            store.AddResult(id, Result("raw-prealloc/none/native", profile, 1000 * scale * rawOverQcow));
            store.AddResult(id, Result("qcow2-sparse/none/native", profile, 1000 * scale));
        }
        store.FinishRun(id, "completed");
        return id;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task History_show_and_report_give_the_same_answers_on_both_backends(string backend)
    {
        var db = Db(backend);
        long id;
        using (var store = Open(db))
        {
            id = Seed(store, Host("compute-1"), 1, 2);
        }

        var history = await CliRun.RunAsync(["history", "--db", db, "--format", "json"]);
        var show = await CliRun.RunAsync(["show", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db, "--format", "json"]);
        var report = await CliRun.RunAsync(["report", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db, "--format", "json"]);

        Assert.True(history.ExitCode == 0, history.Error);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.True(report.ExitCode == 0, report.Error);
        var run = Assert.Single(JsonDocument.Parse(history.Out).RootElement.EnumerateArray());
        Assert.Equal("raw-prealloc/none/native", run.GetProperty("winner").GetProperty("candidate").GetString());
        Assert.Contains("compute-1", show.Out, StringComparison.Ordinal);
        Assert.Contains("raw-prealloc/none/native", report.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fleet_report_groups_hosts_decides_with_hosts_as_blocks_and_shows_who_disagrees_is_stale_or_drifts()
    {
        // Given three hosts on one storage (raw-prealloc twice as fast on two; qcow2-sparse 1.5× faster on the third),
        // a fourth on another storage, a fifth known only from a collected state, and settings in force with drift
        var db = Db("postgresql");
        using (var store = Open(db))
        {
            Seed(store, Host("a1"), 1, 2);
            Seed(store, Host("a2"), 3, 2);
            Seed(store, Host("a3"), 1, 1 / 1.5);
            Seed(store, Host("b1", "Samsung SSD 980"), 1, 1 / 2.0);
            store.AddHostState(Host("a1"), DateTimeOffset.UtcNow, new HostState([new("libvirt", "vm1/vda", "writeback", "threads"), new("nova", "image:raw", "none", "native")], 1, 2, ["KT003"], []));
            store.AddHostState(Host("a4"), DateTimeOffset.UtcNow, new HostState([], 0, 0, [], []));
        }

        var run = await CliRun.RunAsync(["fleet", "report", "--db", db, "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.Error);
        var groups = JsonDocument.Parse(run.Out).RootElement.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(2, groups.Count);
        var a = groups[0];
        Assert.Equal(["a1", "a2", "a3", "a4"], a.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("host").GetString()));
        Assert.Equal("raw-prealloc/none/native", a.GetProperty("decision").GetString());
        Assert.Equal(3, a.GetProperty("decided_from").GetInt32());
        var hosts = a.GetProperty("hosts").EnumerateArray().ToDictionary(h => h.GetProperty("host").GetString()!);
        // a3's own winner is qcow2-sparse, 1.5× the group's there, with an interval that excludes 1.1
        var ratio = hosts["a3"].GetProperty("own_over_group");
        Assert.Equal("qcow2-sparse/none/native", hosts["a3"].GetProperty("own_decision").GetString());
        Assert.Equal(1.5, ratio.GetProperty("ratio").GetDouble(), 2);
        Assert.True(ratio.GetProperty("low").GetDouble() > 1.1 && ratio.GetProperty("significant").GetBoolean());
        Assert.Equal(JsonValueKind.Null, hosts["a1"].GetProperty("own_over_group").ValueKind);
        // a4 has no run: stale, no decision of its own
        Assert.True(hosts["a4"].GetProperty("stale").GetBoolean());
        Assert.False(hosts["a1"].GetProperty("stale").GetBoolean());
        // a1's domain disk runs writeback/threads against the group's none/native: drift; nova's image:raw does not
        Assert.Equal(["vm1/vda"], hosts["a1"].GetProperty("drift").EnumerateArray().Select(d => d.GetProperty("where").GetString()));
        Assert.Equal("qcow2-sparse/none/native", groups[1].GetProperty("decision").GetString());
        Assert.Equal("Samsung SSD 980", groups[1].GetProperty("fingerprint").GetProperty("model").GetString());

        var table = await CliRun.RunAsync(["fleet", "report", "--db", db]);
        var html = await CliRun.RunAsync(["fleet", "report", "--db", db, "--format", "html"]);
        Assert.Contains("raw-prealloc/none/native", table.Console, StringComparison.Ordinal);
        Assert.Contains("1.50×", table.Console, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", html.Out, StringComparison.Ordinal);
        Assert.Contains("<td>a3</td>", html.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_whose_newest_run_is_older_than_stale_after_is_stale_and_left_out_of_the_decision()
    {
        var db = Db("sqlite");
        using (var store = Open(db))
        {
            Seed(store, Host("a1"), 1, 2);
        }
        // --stale-after 0.000001 days is 86.4 ms: the run is older than that once this has passed
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        var run = await CliRun.RunAsync(["fleet", "report", "--db", db, "--format", "json", "--stale-after", "0.000001"]);

        Assert.True(run.ExitCode == 0, run.Error);
        var group = Assert.Single(JsonDocument.Parse(run.Out).RootElement.GetProperty("groups").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, group.GetProperty("decision").ValueKind);
        Assert.True(group.GetProperty("hosts")[0].GetProperty("stale").GetBoolean());
    }

    [Fact]
    public async Task Fleet_collect_stores_this_host_s_nova_and_domain_settings_with_its_identity()
    {
        var db = Db("sqlite");
        var nova = _dir.Write("nova.conf", "[libvirt]\nimages_type = raw\ndisk_cachemodes = file=writeback\n");
        using var domain = TestDomain.Define([new TestDomain.DiskSpec("vda", "raw")]);

        var run = await CliRun.RunAsync(["fleet", "collect", "--db", db, "--nova-conf", nova, "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.Error);
        var json = JsonDocument.Parse(run.Out).RootElement;
        var settings = json.GetProperty("settings").EnumerateArray().ToList();
        var novaSetting = Assert.Single(settings, s => s.GetProperty("origin").GetString() == "nova");
        Assert.Equal("writeback", novaSetting.GetProperty("cache").GetString());
        Assert.Contains(settings, s => s.GetProperty("where").GetString() == $"{domain.Name}/vda");
        Assert.Equal(12, json.GetProperty("fingerprint").GetString()!.Length);
        using var store = Open(db);
        Assert.Equal(json.GetProperty("machine_id").GetString(), Assert.Single(store.LatestHostStates()).Host.MachineId);
    }

    [Theory]
    [InlineData("postgresql://kvmtune:secret@db:99999/kvmtune", 2, "is not a port number")]
    [InlineData("postgresql://kvmtune:secret@127.0.0.1:1/kvmtune?connect_timeout=3", 3, "--db postgresql://kvmtune@127.0.0.1:1/kvmtune: ")]
    public async Task A_bad_or_unreachable_store_is_one_line_and_its_exit_code_without_the_password(string url, int exitCode, string expected)
    {
        var run = await CliRun.RunAsync(["history", "--db", url]);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public void The_store_is_the_option_else_KVMTUNE_DB_else_the_config_file_else_the_default()
    {
        // Given three stores, each with one run of its own host
        var (option, environment, config) = (Path.Combine(_dir.Path, "option.db"), Path.Combine(_dir.Path, "env.db"), Path.Combine(_dir.Path, "config.db"));
        foreach (var (db, host) in new[] { (option, "option"), (environment, "env"), (config, "config") })
        {
            using var store = Open(db);
            Seed(store, Host(host), 1, 2);
        }
        var xdg = Path.Combine(_dir.Path, "xdg");
        Directory.CreateDirectory(Path.Combine(xdg, "kvmtune"));
        File.WriteAllText(Path.Combine(xdg, "kvmtune", "kvmtune.conf"), $"# the shared store\ndb = {config}\n");

        // Then each level wins over the ones below it (a separate process: the environment is the process's)
        Assert.Contains("\"host\": \"option\"", Kvmtune(xdg, environment, "fleet", "report", "--format", "json", "--db", option), StringComparison.Ordinal);
        Assert.Contains("\"host\": \"env\"", Kvmtune(xdg, environment, "fleet", "report", "--format", "json"), StringComparison.Ordinal);
        Assert.Contains("\"host\": \"config\"", Kvmtune(xdg, null, "fleet", "report", "--format", "json"), StringComparison.Ordinal);
    }

    private static string Kvmtune(string xdgConfig, string? kvmtuneDb, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kvmtune.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["XDG_CONFIG_HOME"] = xdgConfig;
        psi.Environment.Remove("KVMTUNE_DB");
        if (kvmtuneDb is not null)
        {
            psi.Environment["KVMTUNE_DB"] = kvmtuneDb;
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"kvmtune {string.Join(' ', args)}: exit {p.ExitCode}: {stderr}");
        return stdout.Result;
    }
}
