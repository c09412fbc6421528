using System.Text.Json.Nodes;
using KvmTune.Core.Apply;
using Spectre.Console.Testing;

namespace KvmTune.Cli.Tests.Commands;

/// <summary>End to end: real fio and qemu-img bench on a tiny scratch image, the SQLite store, the HTML report.</summary>
public sealed class TuneCommandTests : IDisposable
{
    private readonly TestConsole _console = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-tune-").FullName;

    private Task<int> Run(params string[] args) => KvmTuneApp.RunAsync(args, new CliOutput(_console, _out, _err));

    public void Dispose()
    {
        _console.Dispose();
        _out.Dispose();
        _err.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_small_tune_measures_stores_decides_and_writes_the_report_and_policy()
    {
        // Given one backend, one profile, two cache modes and two aio modes, short repeats
        var db = Path.Combine(_dir, "kvmtune.db");
        var html = Path.Combine(_dir, "report.html");
        var policy = Path.Combine(_dir, "policy.json");

        // When tune runs with JSON output
        var code = await Run("tune", "--backend", "raw-prealloc", "--profile", "randread-4k-qd32", "--cache", "none,writeback",
            "--aio", "threads,native", "--size", "64M", "--duration", "0.3", "--repeats", "3",
            "--db", db, "--dir", _dir, "--output", html, "--policy", policy, "--format", "json");

        // Then the run is stored, a measured candidate wins, with its ratio to the host ceiling, and the files exist
        Assert.True(code == 0, _err.ToString());
        var json = JsonNode.Parse(_out.ToString())!;
        JsonKeys.AssertSnakeCase(_out.ToString(), "tune");
        var runId = (long)json["run_id"]!;
        Assert.Equal(html, (string?)json["report_path"]);
        var winner = (string?)json["report"]!["decision"]!["winner"];
        Assert.Contains(winner, new[] { "raw-prealloc/none/threads", "raw-prealloc/none/native", "raw-prealloc/writeback/threads" });
        var rows = json["report"]!["profiles"]![0]!["candidates"]!.AsArray();
        Assert.Contains(rows, r => (string?)r!["candidate_id"] == "raw-prealloc/writeback/native" && (string?)r["code"] == "KT001");
        Assert.All(rows.Where(r => (string?)r!["engine"] == "qemu" && (string?)r!["code"] is null), r => Assert.True((double?)r!["ratio_to_host"] > 0));
        Assert.Contains("<svg class=\"chart\" data-chart=\"ranking\"", File.ReadAllText(html), StringComparison.Ordinal);
        Assert.Equal(runId, TuningPolicy.Parse(File.ReadAllText(policy), policy).FromRun);

        // And the stored run reports again without measuring
        _out.GetStringBuilder().Clear();
        Assert.Equal(0, await Run("report", runId.ToString(), "--db", db, "--format", "md"));
        Assert.Contains($"**Winner: `{winner}`**", _out.ToString());
        Assert.Empty(Directory.GetFiles(_dir, "*.img", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(new[] { "tune", "--backend", "floppy" }, "kvmtune: --backend floppy: unknown (known: qcow2-sparse, qcow2-metadata, qcow2-falloc, raw-sparse, raw-prealloc, loop, device, lvm)")]
    [InlineData(new[] { "tune", "--workload", "randread-4k-qd32=x" }, "kvmtune: --workload: 'randread-4k-qd32=x': the weight must be a positive number")]
    [InlineData(new[] { "tune", "--workload", "nonsense" }, "kvmtune: --workload nonsense: unknown profile (known: randread-4k-qd32, randwrite-4k-qd32, seqread-1m-qd8, seqwrite-1m-qd8, syncwrite-4k-qd1, mixed-4k-70r-qd16)")]
    [InlineData(new[] { "tune", "--format", "xml" }, "kvmtune: --format xml: unknown format (table, json)")]
    public async Task Bad_input_is_one_line_exit_2_and_nothing_measured_or_stored(string[] args, string message)
    {
        var db = Path.Combine(_dir, "kvmtune.db");

        var code = await Run([.. args, "--db", db, "--dir", _dir]);

        Assert.Equal(2, code);
        Assert.Equal(message, _err.ToString().Trim());
        Assert.False(File.Exists(db));
    }
}
