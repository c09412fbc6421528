using System.Text.Json;
using Spectre.Console.Testing;

namespace KvmTune.Cli.Tests;

public class BenchCommandTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var console = new TestConsole();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KvmTuneApp.RunAsync(args, new CliOutput(console, stdout, stderr));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string UnusedDir() => Path.Combine(Path.GetTempPath(), $"kvmtune-bench-test-{Guid.NewGuid():N}");

    [Theory]
    [InlineData("--profile", "randread-8k", "--profile randread-8k: unknown profile")]
    [InlineData("--cache", "writearound", "--cache writearound: unknown")]
    [InlineData("--aio", "posix", "--aio posix: unknown")]
    [InlineData("--backend", "zfs", "--backend zfs: unknown")]
    [InlineData("--engine", "vm", "--engine vm: unknown")]
    [InlineData("--size", "12Q", "--size 12Q: not a size")]
    [InlineData("--format", "xml", "--format xml: unknown format")]
    public async Task Unknown_names_are_bad_input_on_one_line_and_nothing_is_created(string option, string value, string message)
    {
        var dir = UnusedDir();
        var (code, stdout, stderr) = await RunAsync("bench", option, value, "--dir", dir);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"kvmtune: {message}", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task Requesting_only_a_combination_that_cannot_start_names_KT001_and_creates_nothing()
    {
        var dir = UnusedDir();
        var (code, _, stderr) = await RunAsync("bench", "--cache", "writeback", "--aio", "native", "--dir", dir);
        Assert.Equal(2, code);
        Assert.StartsWith("kvmtune: KT001", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task A_missing_fio_job_file_is_bad_input()
    {
        var (code, _, stderr) = await RunAsync("bench", "--fio-job", "/nonexistent/db.fio", "--dir", UnusedDir());
        Assert.Equal(2, code);
        Assert.Contains("--fio-job /nonexistent/db.fio: file not found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quick_raw_and_loop_run_reports_json_per_candidate_with_ceiling_ratios_and_skips_and_cleans_up()
    {
        // Given a small explicit matrix with one pair that cannot start
        var dir = UnusedDir();
        var db = dir + ".db";
        Directory.CreateDirectory(dir);
        try
        {
            var (code, stdout, stderr) = await RunAsync(
                "bench", "--quick", "--engine", "host,qemu", "--backend", "raw-prealloc,loop,qcow2-sparse", "--cache", "none,writeback", "--aio", "native,threads",
                "--profile", "randwrite-4k-qd32", "--size", "64M", "--repeats", "1", "--duration", "0.3", "--dir", dir, "--db", db, "--format", "json");

            // Then the run succeeds and stdout is one JSON document
            Assert.True(code == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            Commands.JsonKeys.AssertSnakeCase(stdout, "bench");
            var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
            JsonElement Find(string engine, string candidate) =>
                results.Single(r => r.GetProperty("engine").GetString() == engine && r.GetProperty("candidate").GetString() == candidate);

            var native = Find("qemu", "raw-prealloc/none/native");
            Assert.Equal("raw-prealloc", native.GetProperty("backend").GetString());
            Assert.Equal("none", native.GetProperty("cache").GetString());
            Assert.Equal("native", native.GetProperty("aio").GetString());
            Assert.True(native.GetProperty("iops_median").GetDouble() > 0);
            Assert.True(native.GetProperty("ratio_to_host").GetDouble() > 0);
            Assert.Equal(JsonValueKind.Null, native.GetProperty("sustained_iops").ValueKind);

            // host ceiling per backend: the best of its submission strategies, named; qemu harness ceiling on null-co
            var ceilings = doc.RootElement.GetProperty("ceilings").EnumerateArray().ToList();
            var loop = ceilings.Single(c => c.GetProperty("backend").GetString() == "loop");
            Assert.True(loop.GetProperty("iops_median").GetDouble() > 0);
            var strategy = loop.GetProperty("strategy").GetString()!;
            Assert.True(Find("host", "loop@" + strategy).GetProperty("sets_ceiling").GetBoolean(), strategy);
            Assert.InRange(results.Count(r => r.GetProperty("engine").GetString() == "host" && r.GetProperty("backend").GetString() == "loop"), 2, 3);
            Assert.Equal(ceilings.Single(c => c.GetProperty("backend").GetString() == "raw-prealloc").GetProperty("strategy").GetString(),
                native.GetProperty("ceiling_strategy").GetString());
            Assert.True(Find("qemu", "null-co").GetProperty("harness_bound").GetBoolean());

            // writeback keeps writes in the host page cache: burst and sustained are both reported
            var writeback = Find("qemu", "loop/writeback/threads");
            Assert.True(writeback.GetProperty("burst_iops").GetDouble() > 0);
            Assert.True(writeback.GetProperty("sustained_iops").GetDouble() > 0);

            // writeback + native cannot start: shown as skipped with its rule code
            Assert.Equal("KT001", Find("qemu", "raw-prealloc/writeback/native").GetProperty("skipped").GetString());

            // qcow2: the host engine ran on a raw file beside the image, the qemu engine on the image
            Assert.True(ceilings.Single(c => c.GetProperty("backend").GetString() == "qcow2-sparse").GetProperty("iops_median").GetDouble() > 0);

            // the io probe ran io_uring and native on every image with the cache modes measured, and all passed here
            var probe = doc.RootElement.GetProperty("io_probe").EnumerateArray().ToList();
            Assert.Contains(probe, p => p.GetProperty("backend").GetString() == "loop" && p.GetProperty("cache").GetString() == "none" && p.GetProperty("aio").GetString() == "native");
            Assert.All(probe, p => Assert.Equal("passed", p.GetProperty("outcome").GetString()));
            Assert.True(Find("qemu", "qcow2-sparse/none/threads").GetProperty("iops_median").GetDouble() > 0);

            // And the run is stored with its results
            var runId = doc.RootElement.GetProperty("run_id").GetInt64();
            using var store = new KvmTune.Storage.SqliteRunStore(db);
            var run = store.LoadRun(runId);
            Assert.NotNull(run);
            Assert.Equal("completed", run.Info.Status);
            Assert.Equal(results.Count, run.Results.Count);
            Assert.NotEmpty(run.Samples);
            Assert.Equal([KvmTune.Core.Tuning.Backend.RawPrealloc, KvmTune.Core.Tuning.Backend.Loop, KvmTune.Core.Tuning.Backend.Qcow2Sparse], run.Info.Settings.Backends);

            // And a bench run carries the host facts tune stores: report and apply --from-run know the QEMU version; the
            // load before and after, and the io probe's results, are among them
            Assert.Contains(run.HostFacts, f => f.Key == KvmTune.Core.Measurement.HostFactKeys.QemuVersion && Version.TryParse(f.Value, out _));
            Assert.Contains(run.HostFacts, f => f.Key == KvmTune.Core.Measurement.HostFactKeys.LoadBefore);
            Assert.Contains(run.HostFacts, f => f.Key == KvmTune.Core.Measurement.HostFactKeys.LoadAfter);
            Assert.Equal(probe.Count, KvmTune.Core.Tuning.IoModeCheck.FromFacts(run.HostFacts).Count);
            var policy = dir + ".policy.json";
            var report = await RunAsync("report", runId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db, "--format", "json", "--policy", policy, "--migration");
            Assert.True(report.Code == 0, report.Err);
            using var decided = JsonDocument.Parse(report.Out);
            var rationale = decided.RootElement.GetProperty("decision").GetProperty("rationale").EnumerateArray().Select(l => l.GetString()!).ToList();
            Assert.DoesNotContain(rationale, l => l.Contains("version is unknown", StringComparison.Ordinal));
            // (--migration: with the QEMU version unknown, every cached mode would be excluded as "version is unknown")
            Assert.Contains(decided.RootElement.GetProperty("profiles")[0].GetProperty("candidates").EnumerateArray(),
                c => c.GetProperty("candidate_id").GetString() == "loop/writeback/threads" && c.GetProperty("status").GetString() != "excluded");
            File.Delete(policy);
        }
        finally
        {
            // And the scratch images (and loop devices) are gone
            Assert.Empty(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories));
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(db)!, Path.GetFileName(db) + "*"))
            {
                File.Delete(file);
            }
        }
    }
}
