using System.Text.Json;
using KvmTune.Core.Measurement;
using KvmTune.Storage;
using Spectre.Console.Testing;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Cli.Tests.Commands;

public sealed class StoreCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-cli-store-").FullName;

    private string Db => Path.Combine(_dir, "kvmtune.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Console, string Out, string Error)> Run(params string[] args)
    {
        var console = new TestConsole().Width(250);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await KvmTuneApp.RunAsync(args, new CliOutput(console, stdout, stderr));
        return (code, console.Output, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Two runs; the second holds a recorded real fio JSON as raw output and three results.</summary>
    private (long First, long Second, string Raw) Seed()
    {
        var raw = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "store", "fio-randread-4k-qd32.json"));
        using var store = new SqliteRunStore(Db);
        var first = store.BeginRun("kvmtune bench --quick", [new(HostFactKeys.Kernel, "6.18.44-fc-v657")], RunSettings.Empty);
        store.FinishRun(first, "interrupted");
        var second = store.BeginRun("kvmtune bench --backend raw-prealloc", [new(HostFactKeys.Kernel, "6.18.44-fc-v657"), new(HostFactKeys.Accelerator, "tcg")], new RunSettings { Backends = [Core.Tuning.Backend.RawPrealloc], Repeats = [3, 3] });
        store.AddSample(second, new Sample(Engine.Host, S("raw-prealloc"), "randread-4k-qd32", 1, 258883.2, 1060.4, 40.7, 3031.0, DateTimeOffset.UtcNow, 1.0, raw));
        static Statistic Stat(double median) => new(median, median * 0.97, median * 1.03, 0.02, 3);
        store.AddResult(second, new SubjectResult(Engine.Host, S("raw-prealloc"), "randread-4k-qd32", Stat(258883), Stat(1060), 40.7, 3031));
        store.AddResult(second, new SubjectResult(Engine.Qemu, S("raw-prealloc/none/native"), "randread-4k-qd32", Stat(101000), Stat(413), null, null) { RatioToHost = 0.39 });
        store.AddResult(second, new SubjectResult(Engine.Qemu, S("raw-prealloc/writeback/native"), "randread-4k-qd32", Stat(0), Stat(0), null, null) { SkippedCode = "KT001" });
        store.FinishRun(second, "completed");
        return (first, second, raw);
    }

    [Fact]
    public async Task History_lists_runs_newest_first_with_candidates_and_the_decisions_winner()
    {
        // Given a database with two runs
        var (first, second, _) = Seed();

        // When history is listed as JSON
        var (code, _, stdout, stderr) = await Run("history", "--db", Db, "--format", "json");

        // Then the newer run comes first with its candidate count and the decision's winner (decided now: the run was
        // stored without one); the interrupted run has none
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var runs = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal([second, first], runs.Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal(2, runs[0].GetProperty("candidates").GetInt32());
        Assert.Equal("raw-prealloc/none/native", runs[0].GetProperty("winner").GetProperty("candidate").GetString());
        Assert.True(runs[0].GetProperty("winner").GetProperty("decided_now").GetBoolean());
        Assert.Equal(JsonValueKind.Null, runs[1].GetProperty("winner").ValueKind);
        Assert.Equal("interrupted", runs[1].GetProperty("status").GetString());
    }

    [Fact]
    public async Task History_shows_the_stored_winner_not_the_highest_burst()
    {
        // Given a run whose fastest burst is a page-cache figure and whose stored decision chose cache none
        long run;
        using (var store = new SqliteRunStore(Db))
        {
            run = store.BeginRun("kvmtune tune", [], RunSettings.Empty);
            static Statistic Stat(double median) => new(median, median * 0.97, median * 1.03, 0.02, 3);
            store.AddResult(run, new SubjectResult(Engine.Qemu, S("raw-prealloc/writeback/threads"), "randwrite-4k-qd32", Stat(140_900), Stat(577), null, null) { BurstIops = 140_900, SustainedIops = 40_000 });
            store.AddResult(run, new SubjectResult(Engine.Qemu, S("raw-prealloc/none/native"), "randwrite-4k-qd32", Stat(92_000), Stat(377), null, null));
            store.SetWinner(run, C("raw-prealloc/none/native"));
            store.FinishRun(run, "completed");
        }

        // When history is listed
        var (code, console, _, _) = await Run("history", "--db", Db);

        // Then it shows the stored winner, with no burst figure
        Assert.Equal(0, code);
        Assert.Contains("raw-prealloc/none/native", console, StringComparison.Ordinal);
        Assert.DoesNotContain("writeback", console, StringComparison.Ordinal);
        Assert.DoesNotContain("decided now", console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_table_shows_each_run()
    {
        var (first, second, _) = Seed();
        var (code, console, stdout, _) = await Run("history", "--db", Db);
        Assert.Equal(0, code);
        Assert.Equal("", stdout);
        Assert.Contains("kvmtune bench --backend raw-prealloc", console, StringComparison.Ordinal);
        Assert.Contains("raw-prealloc/none/native (decided now, default constraints)", console, StringComparison.Ordinal);
        Assert.True(console.IndexOf($"│ {second} ", StringComparison.Ordinal) < console.IndexOf($"│ {first} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_table_lists_host_facts_and_results_with_skipped_codes()
    {
        var (_, second, _) = Seed();
        var (code, console, _, _) = await Run("show", second.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", Db);
        Assert.Equal(0, code);
        Assert.Contains("kernel.version", console, StringComparison.Ordinal);
        Assert.Contains("6.18.44-fc-v657", console, StringComparison.Ordinal);
        Assert.Contains("raw-prealloc/none/native", console, StringComparison.Ordinal);
        Assert.Contains("101,000", console, StringComparison.Ordinal);
        Assert.Contains("skipped (KT001)", console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_json_with_raw_returns_the_stored_fio_json_verbatim()
    {
        // Given a run whose sample holds a recorded fio JSON
        var (_, second, raw) = Seed();

        // When it is shown as JSON with raw outputs
        var (code, _, stdout, _) = await Run("show", second.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", Db, "--format", "json", "--raw");

        // Then facts, results and the whole raw output are there
        Assert.Equal(0, code);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("tcg", root.GetProperty("host_facts").GetProperty(HostFactKeys.Accelerator).GetString());
        Assert.Equal(3, root.GetProperty("results").GetArrayLength());
        Assert.Equal("raw-prealloc", root.GetProperty("settings").GetProperty("backends")[0].GetString());
        Assert.Equal("raw-prealloc", root.GetProperty("samples")[0].GetProperty("subject").GetString());
        // fio's output is JSON: it is carried as a JSON value, not as text holding JSON
        var fio = root.GetProperty("samples")[0].GetProperty("raw_output");
        Assert.Equal(JsonValueKind.Object, fio.ValueKind);
        Assert.Equal(JsonDocument.Parse(raw).RootElement.GetProperty("fio version").GetString(), fio.GetProperty("fio version").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("samples")[0].GetProperty("raw_text").ValueKind);
    }

    [Theory]
    [InlineData("999", "run 999: no such run in {db}")]
    [InlineData("abc", "run abc: not a run number")]
    public async Task Show_of_an_unknown_run_is_one_line_and_exit_code_2(string run, string message)
    {
        Seed();
        var (code, _, stdout, stderr) = await Run("show", run, "--db", Db);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"kvmtune: {message.Replace("{db}", Db, StringComparison.Ordinal)}\n", stderr);
    }

    [Fact]
    public async Task A_db_that_does_not_exist_is_bad_input_and_not_created()
    {
        var missing = Path.Combine(_dir, "missing.db");
        var (code, _, _, stderr) = await Run("history", "--db", missing);
        Assert.Equal(2, code);
        Assert.Equal($"kvmtune: --db {missing}: no such file\n", stderr);
        Assert.False(File.Exists(missing));
    }
}
