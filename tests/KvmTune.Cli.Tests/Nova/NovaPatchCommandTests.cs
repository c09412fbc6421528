using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using KvmTune.Cli.Tests.Commands;
using KvmTune.Core.Serialization;
using KvmTune.Services.Nova;

namespace KvmTune.Cli.Tests.Nova;

/// <summary><c>kvmtune nova patch</c> on copies of Debian's nova tree (never on the installed one).</summary>
public sealed class NovaPatchCommandTests : IDisposable
{
    private readonly TempDir _backups = new();

    public void Dispose() => _backups.Dispose();

    private static readonly string[] Touched = ["nova/conf/libvirt.py", "nova/virt/libvirt/driver.py", "nova/tests/unit/virt/libvirt/test_disk_io_modes.py"];

    private Task<CliRun> Patch(params string[] args) => CliRun.RunAsync(["nova", "patch", "--backup-dir", _backups.Path, .. args]);

    // Every file of a tree with its SHA-256 (bytecode caches left out: Python may write them, nova's package does not ship them).
    private static Dictionary<string, string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/__pycache__/", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);

    [NovaFact]
    public async Task Patch_yes_makes_nova_write_io_per_disk_io_modes_passes_novas_tests_and_revert_restores_every_byte()
    {
        // Given a copy of the installed nova
        using var copy = new NovaTreeCopy();
        var before = Snapshot(copy.Root);

        // When it is patched
        var patch = await Patch("--nova-dir", copy.PackageDirectory, "--yes", "--format", "json");

        // Then the real nova builds every disk with the io disk_io_modes asks for, and nova's own unit tests pass
        Assert.True(patch.ExitCode == 0, patch.Error + patch.Out);
        JsonKeys.AssertSnakeCase(patch.Out, "nova patch --yes");
        var result = JsonSerializer.Deserialize<NovaPatchResult>(patch.Out, JsonConvention.Options)!;
        Assert.True(result.Written);
        Assert.Equal(("stock", "nova-26", "26.2.2"), (result.Tree.State, result.Tree.Shape, result.Tree.Version));
        var v = result.Verification!;
        Assert.True(v.Ok, string.Join("\n", v.Problems));
        Assert.True(v.OptionRegistered);
        Assert.Equal((3, 36), (v.Confs, v.Disks));
        Assert.Empty(v.Mismatches);
        var wanted = new Dictionary<string, string> { ["file"] = "io_uring", ["block"] = "threads", ["network"] = "native" };
        Assert.Equal(12, v.Io.Count);
        Assert.All(v.Io, io => Assert.Equal(wanted[io.SourceType], io.Nova));
        Assert.True(v.UnitTests!.Ran >= 200, $"{v.UnitTests.Ran} unit tests ran");
        Assert.Equal(0, v.UnitTests.Failed);
        Assert.Equal(v.UnitTests.Ran, v.UnitTests.Passed + v.UnitTests.Skipped + v.UnitTests.ExpectedFailures);
        Assert.Contains(result.Notes, n => n.StartsWith("restart nova-compute", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("still falls back to 'threads' inside nova", StringComparison.Ordinal));
        var patched = Snapshot(copy.Root);
        Assert.Equal(Touched.Order(StringComparer.Ordinal), patched.Where(kv => before.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Equal(File.GetUnixFileMode(copy.PathOf(Touched[1])), File.GetUnixFileMode(copy.PathOf(Touched[2])));
        Assert.True(File.Exists(Path.Combine(result.BackupDirectory!, "manifest.json")));
        Assert.Equal(0, (await Patch("--nova-dir", copy.PackageDirectory, "--check")).ExitCode);

        // When it is reverted
        var revert = await Patch("--nova-dir", copy.PackageDirectory, "--revert", "--yes");

        // Then every file is back byte for byte and --check says stock
        Assert.True(revert.ExitCode == 0, revert.Error);
        Assert.Equal(before, Snapshot(copy.Root));
        var check = await Patch("--nova-dir", copy.PackageDirectory, "--check");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("stock (shape nova-26)", check.Out, StringComparison.Ordinal);
    }

    [NovaFact]
    public async Task A_dry_run_prints_the_diff_and_writes_nothing()
    {
        using var copy = new NovaTreeCopy(whole: false);
        var before = Snapshot(copy.Root);

        var run = await Patch("--nova-dir", copy.Root);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("+    cfg.ListOpt('disk_io_modes',\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("+++ b/nova/tests/unit/virt/libvirt/test_disk_io_modes.py\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("dry run: nothing written", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(copy.Root));
        Assert.False(Directory.Exists(Path.Combine(_backups.Path)) && Directory.EnumerateFileSystemEntries(_backups.Path).Any());
    }

    [NovaFact]
    public async Task A_tree_modified_elsewhere_is_refused_with_one_line_and_nothing_is_written()
    {
        using var copy = new NovaTreeCopy(whole: false);
        var driver = copy.PathOf("nova/virt/libvirt/driver.py");
        File.WriteAllText(driver, File.ReadAllText(driver).Replace("conf.driver_cache = cache_mode\n", "conf.driver_cache = cache_mode or 'none'\n", StringComparison.Ordinal));
        var before = Snapshot(copy.Root);

        var run = await Patch("--nova-dir", copy.PackageDirectory, "--yes");

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"kvmtune: {copy.PackageDirectory} (nova of unknown version): not a nova KvmTune can patch: nova/virt/libvirt/driver.py: hunk 3", line, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(copy.Root));
    }

    [NovaFact]
    public async Task A_failed_verification_puts_the_original_files_back()
    {
        // Given a tree the patch applies to but Python cannot import
        using var copy = new NovaTreeCopy(whole: false);
        File.WriteAllText(copy.PathOf("nova/__init__.py"), "raise ImportError('this nova is broken on purpose')\n");
        var before = Snapshot(copy.Root);

        var run = await Patch("--nova-dir", copy.PackageDirectory, "--yes", "--tests", "none");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("cannot import nova: ImportError: this nova is broken on purpose", run.Error, StringComparison.Ordinal);
        Assert.Contains("the original files are back, byte for byte", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(copy.Root));
        Assert.False(File.Exists(copy.PathOf(Touched[2])));
        // The backup stays, marked as rolled back: --check does not take it for a patch an upgrade undid.
        var manifest = Assert.Single(Directory.GetFiles(_backups.Path, "manifest.json", SearchOption.AllDirectories));
        Assert.Contains("\"action\": \"patch-rolled-back\"", File.ReadAllText(manifest), StringComparison.Ordinal);
        Assert.DoesNotContain("KvmTune patched it", (await Patch("--nova-dir", copy.PackageDirectory, "--check")).Out, StringComparison.Ordinal);
    }

    [NovaFact]
    public async Task After_a_package_upgrade_put_novas_files_back_check_says_stock_and_that_kvmtune_had_patched_it()
    {
        // Given a tree KvmTune patched (its backup manifest) whose files are nova's own again
        using var copy = new NovaTreeCopy(whole: false);
        var dir = Directory.CreateDirectory(Path.Combine(_backups.Path, "20261201T120000000Z-patch")).FullName;
        File.WriteAllText(Path.Combine(dir, "manifest.json"), JsonConvention.Serialize(new Host.Nova.NovaBackupManifest(
            copy.PackageDirectory, "26.2.2", "nova-26", "patch", new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), [])));

        var check = await Patch("--nova-dir", copy.PackageDirectory, "--check");

        Assert.Equal(1, check.ExitCode);
        Assert.Contains("stock (shape nova-26)", check.Out, StringComparison.Ordinal);
        Assert.Contains("KvmTune patched it on 2026-12-01 12:00 UTC", check.Out, StringComparison.Ordinal);
        Assert.Contains("most likely by a package upgrade", check.Out, StringComparison.Ordinal);
    }

    [NovaFact]
    public async Task Print_gives_the_patch_gnu_patch_applies_and_check_then_says_patched()
    {
        using var copy = new NovaTreeCopy(whole: false);
        var print = await Patch("--nova-dir", copy.PackageDirectory, "--print");
        Assert.Equal(0, print.ExitCode);
        Assert.StartsWith("KvmTune nova patch: [libvirt] disk_io_modes", print.Out, StringComparison.Ordinal);

        var file = _backups.Write("disk_io_modes.patch", print.Out);
        using (var gnu = Process.Start(new ProcessStartInfo("patch", ["-p1", "-d", copy.Root, "-i", file, "--no-backup-if-mismatch"]) { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            var output = await gnu.StandardOutput.ReadToEndAsync();
            await gnu.WaitForExitAsync();
            Assert.True(gnu.ExitCode == 0, output);
            Assert.DoesNotContain("offset", output, StringComparison.Ordinal);
        }

        var check = await Patch("--nova-dir", copy.PackageDirectory, "--check", "--format", "json");
        Assert.Equal(0, check.ExitCode);
        JsonKeys.AssertSnakeCase(check.Out, "nova patch --check");
        Assert.Equal("patched", JsonSerializer.Deserialize<NovaTreeReport>(check.Out, JsonConvention.Options)!.State);
        Assert.Equal((await Patch("--print", "--shape", "master")).Out, File.ReadAllText(Path.Combine(RepoPaths.Root, "share", "nova", "patches", "disk_io_modes-master.patch")));
    }

    [NovaFact]
    public async Task Check_reads_the_installed_nova_without_touching_it()
    {
        var before = File.GetLastWriteTimeUtc(Path.Combine(InstalledNova.PackageDirectory, "virt", "libvirt", "driver.py"));

        var run = await CliRun.RunAsync(["nova", "patch", "--check", "--format", "json"]);

        var report = JsonSerializer.Deserialize<NovaTreeReport>(run.Out, JsonConvention.Options)!;
        Assert.Equal(InstalledNova.PackageDirectory, report.NovaDir);
        Assert.Equal("python3-nova", report.DpkgPackage);
        Assert.Equal(report.State == "patched" ? 0 : 1, run.ExitCode);
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(InstalledNova.PackageDirectory, "virt", "libvirt", "driver.py")));
    }

    [Theory]
    [InlineData(new[] { "--check", "--revert" }, "--check, --revert and --print exclude each other")]
    [InlineData(new[] { "--shape", "master" }, "--shape goes with --print")]
    [InlineData(new[] { "--check", "--yes" }, "--yes does nothing with --check")]
    [InlineData(new[] { "--tests", "all" }, "--tests all: expected focused, libvirt or none")]
    public async Task Contradictory_options_are_one_line_and_exit_2(string[] args, string message)
    {
        var run = await Patch(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }
}
