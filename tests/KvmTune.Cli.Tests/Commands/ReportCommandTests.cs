using KvmTune.Core.Apply;
using KvmTune.Core.Measurement;
using KvmTune.Storage;
using Spectre.Console.Testing;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Cli.Tests.Commands;

public sealed class ReportCommandTests : IDisposable
{
    private readonly TestConsole _console = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-report-").FullName;

    private string Db => Path.Combine(_dir, "kvmtune.db");

    private Task<int> Run(params string[] args) => KvmTuneApp.RunAsync(args, new CliOutput(_console, _out, _err));

    public void Dispose()
    {
        _console.Dispose();
        _out.Dispose();
        _err.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static Statistic Stat(double median, double half) => new(median, median - half, median + half, half / median / 2, 3);

    // A run as bench stores it: host ceilings, qemu candidates, the null-co harness ceiling.
    private long StoreRun()
    {
        using var store = new SqliteRunStore(Db);
        var id = store.BeginRun("kvmtune tune", [new(HostFactKeys.QemuVersion, "7.2.0"), new(HostFactKeys.LibvirtVersion, "9.0.0")], RunSettings.Empty);
        const string rr = "randread-4k-qd32";
        SubjectResult[] results =
        [
            new(Engine.Host, S("raw-prealloc"), rr, Stat(100_000, 2_000), Stat(410, 8), 300, 700),
            new(Engine.Qemu, S("raw-prealloc/none/native"), rr, Stat(90_000, 2_000), Stat(369, 8), null, null) { RatioToHost = 0.9 },
            new(Engine.Qemu, S("raw-prealloc/none/threads"), rr, Stat(40_000, 1_000), Stat(164, 4), null, null) { RatioToHost = 0.4 },
            new(Engine.Qemu, S("raw-prealloc/unsafe/threads"), rr, Stat(95_000, 2_000), Stat(389, 8), null, null) { RatioToHost = 0.95 },
            new(Engine.Qemu, S("null-co"), rr, Stat(800_000, 9_000), Stat(3277, 30), null, null) { HarnessBound = true },
        ];
        foreach (var r in results)
        {
            store.AddResult(id, r);
        }
        store.FinishRun(id, "completed");
        return id;
    }

    [Fact]
    public async Task A_stored_run_reports_as_markdown_on_stdout()
    {
        var id = StoreRun();

        var code = await Run("report", id.ToString(), "--db", Db, "--format", "md");

        Assert.Equal(0, code);
        var md = _out.ToString();
        Assert.StartsWith($"# KvmTune report: run {id}", md);
        Assert.Contains("**Winner: `raw-prealloc/none/native`**", md);
        Assert.Contains("excluded (KT010)", md);
    }

    [Fact]
    public async Task Html_goes_to_the_output_file_and_the_policy_file_parses()
    {
        var id = StoreRun();
        var html = Path.Combine(_dir, "r.html");
        var policy = Path.Combine(_dir, "p.json");

        var code = await Run("report", id.ToString(), "--db", Db, "--output", html, "--policy", policy, "--safety", "any", "--margin", "0");

        Assert.Equal(0, code);
        Assert.Equal(html, _out.ToString().Trim());
        Assert.Contains("<svg class=\"chart\" data-chart=\"ranking\"", File.ReadAllText(html), StringComparison.Ordinal);
        var parsed = TuningPolicy.Parse(File.ReadAllText(policy), policy);
        Assert.Equal("unsafe", parsed.Disks["file"].Cache);
        Assert.Equal(id, parsed.FromRun);
    }

    [Fact]
    public async Task Json_of_a_stored_run_names_the_winner()
    {
        var id = StoreRun();

        var code = await Run("report", id.ToString(), "--db", Db, "--format", "json", "--migration");

        Assert.Equal(0, code);
        var json = System.Text.Json.Nodes.JsonNode.Parse(_out.ToString())!;
        Assert.Equal("raw-prealloc/none/native", (string?)json["decision"]!["winner"]);
        Assert.True((bool)json["decision"]!["constraints"]!["migration"]!);
    }

    [Fact]
    public async Task An_unknown_run_is_bad_input_naming_the_store()
    {
        StoreRun();

        var code = await Run("report", "999", "--db", Db);

        Assert.Equal(2, code);
        Assert.Equal($"kvmtune: run 999: no such run in {Db}", _err.ToString().Trim());
    }

    [Theory]
    [InlineData(new[] { "report", "abc" }, "kvmtune: RUN 'abc': not a run number")]
    [InlineData(new[] { "report", "1", "--format", "pdf" }, "kvmtune: --format: unknown report format 'pdf' (expected html, md, json)")]
    [InlineData(new[] { "report", "1", "--safety", "paranoid" }, "kvmtune: --safety: unknown level 'paranoid' (expected flush, sync or any)")]
    [InlineData(new[] { "report", "1", "--workload", "seqread-1m-qd8" }, "kvmtune: --workload: profile 'seqread-1m-qd8' was not measured in this run (measured: randread-4k-qd32)")]
    [InlineData(new[] { "report", "1", "--vms-per-host", "0" }, "kvmtune: --vms-per-host: 0 is not a positive number of VMs")]
    public async Task Bad_input_is_one_line_exit_2_and_nothing_written(string[] args, string message)
    {
        StoreRun();
        var output = Path.Combine(_dir, "never.html");

        var code = await Run([.. args, "--db", Db, "--output", output]);

        Assert.Equal(2, code);
        Assert.Equal(message, _err.ToString().Trim());
        Assert.False(File.Exists(output));
    }
}
