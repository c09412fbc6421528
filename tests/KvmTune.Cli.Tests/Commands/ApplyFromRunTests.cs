using KvmTune.Core.Measurement;
using KvmTune.Storage;
using Spectre.Console.Testing;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Cli.Tests.Commands;

/// <summary><c>apply --from-run</c>: the advisor's decision on a stored run, applied without a policy file.</summary>
public sealed class ApplyFromRunTests : IDisposable
{
    private readonly TestConsole _console = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-fromrun-").FullName;

    private string Db => Path.Combine(_dir, "kvmtune.db");

    public void Dispose()
    {
        _console.Dispose();
        _out.Dispose();
        _err.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static Statistic Stat(double median, double half) => new(median, median - half, median + half, half / median / 2, 3);

    private long StoreRun()
    {
        using var store = new SqliteRunStore(Db);
        var id = store.BeginRun("kvmtune tune", [new(HostFactKeys.QemuVersion, "7.2.0"), new(HostFactKeys.LibvirtVersion, "9.0.0")], RunSettings.Empty);
        const string rr = "randread-4k-qd32";
        store.AddResult(id, new(Engine.Host, S("raw-prealloc"), rr, Stat(100_000, 2_000), Stat(410, 8), 300, 700));
        store.AddResult(id, new(Engine.Qemu, S("raw-prealloc/none/native"), rr, Stat(90_000, 2_000), Stat(369, 8), null, null) { RatioToHost = 0.9 });
        store.AddResult(id, new(Engine.Qemu, S("raw-prealloc/writeback/threads"), rr, Stat(40_000, 1_000), Stat(164, 4), null, null) { RatioToHost = 0.4 });
        store.FinishRun(id, "completed");
        return id;
    }

    [Fact]
    public async Task A_dry_run_from_a_stored_run_shows_the_winners_driver_settings_and_changes_nothing()
    {
        // Given a stored run whose clear winner is cache='none' io='native', and a domain with a writeback disk
        var id = StoreRun();
        using var domain = TestDomain.Define([new TestDomain.DiskSpec("vda", "raw", DriverExtra: " cache='writeback' io='threads'")]);
        var before = domain.PersistentXml();

        // When apply runs from the run, without --yes
        var code = await KvmTuneApp.RunAsync(
            ["apply", "--from-run", id.ToString(), "--db", Db, "--connect", TestDomain.SystemUri, "--domain", domain.Name],
            new CliOutput(_console, _out, _err));

        // Then the plan names the winner's settings and the definition is untouched
        Assert.True(code == 0, _err.ToString());
        var shown = _console.Output + _out;
        Assert.Contains("cache='none'", shown, StringComparison.Ordinal);
        Assert.Contains("io='native'", shown, StringComparison.Ordinal);
        Assert.Equal(before, domain.PersistentXml());
    }

    [Fact]
    public async Task An_unknown_run_is_one_line_and_exit_2()
    {
        StoreRun();
        var code = await KvmTuneApp.RunAsync(
            ["apply", "--from-run", "999", "--db", Db, "--connect", TestDomain.SystemUri, "--all"],
            new CliOutput(_console, _out, _err));

        Assert.Equal(2, code);
        Assert.Contains("--from-run 999: no such run", _err.ToString(), StringComparison.Ordinal);
    }
}
