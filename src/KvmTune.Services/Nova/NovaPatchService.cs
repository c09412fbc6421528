using KvmTune.Core;
using KvmTune.Core.Apply;
using KvmTune.Core.Nova;
using KvmTune.Core.Nova.Patching;
using KvmTune.Core.Rules;
using KvmTune.Host;
using KvmTune.Host.Nova;

namespace KvmTune.Services.Nova;

/// <summary>Which of nova's unit tests the verification runs.</summary>
public enum NovaUnitTestScope
{
    /// <summary>None (the import and disk checks still run).</summary>
    None,

    /// <summary>The patch's own tests and nova's tests of the code it touches (about 250; the default).</summary>
    Focused,

    /// <summary>Every test under nova/tests/unit/virt/libvirt (about 2,070).</summary>
    Libvirt,
}

/// <summary>Options shared by every <see cref="NovaPatchService"/> action.</summary>
/// <param name="NovaDir">The nova package directory (or the directory holding it); null: the one Debian's /usr/bin/python3 imports.</param>
/// <param name="BackupRoot">Where backups go (default <c>$XDG_DATA_HOME/kvmtune/backups/nova-patch</c>).</param>
/// <param name="Tests">The unit tests the verification runs.</param>
/// <param name="Concurrency">stestr workers (default: the number of CPUs).</param>
public sealed record NovaPatchOptions(
    string? NovaDir = null,
    string? BackupRoot = null,
    NovaUnitTestScope Tests = NovaUnitTestScope.Focused,
    int? Concurrency = null);

/// <summary>A past patch or revert of this tree, from its backup manifest.</summary>
/// <param name="Action"><c>patch</c> or <c>revert</c>.</param>
/// <param name="Time">When (UTC).</param>
/// <param name="BackupDirectory">The backup directory.</param>
public sealed record NovaPatchEvent(string Action, DateTimeOffset Time, string BackupDirectory);

/// <summary>A running nova-compute and whether it started before nova's files last changed (then it runs the old code).</summary>
public sealed record NovaComputeStatus(int Pid, DateTimeOffset Started, bool NeedsRestart);

/// <summary>A nova tree and its patch state.</summary>
/// <param name="NovaDir">The nova package directory.</param>
/// <param name="Version">nova's version from its package metadata, or null.</param>
/// <param name="DpkgPackage">The Debian package owning it, or null.</param>
/// <param name="State"><c>stock</c>, <c>patched</c> or <c>unknown</c>.</param>
/// <param name="Shape">The code shape (the patch file) that matches, or null.</param>
/// <param name="MadeFor">The releases that patch was made for.</param>
/// <param name="AtOffset">True when the patch matches away from the lines it names (another release of the same shape).</param>
/// <param name="Reason">When unknown, what does not match.</param>
/// <param name="DpkgModified">Files the patch touches whose content differs from what dpkg installed (expected when patched).</param>
/// <param name="LastChange">The latest patch or revert KvmTune made here, from its backups.</param>
/// <param name="NovaCompute">The running nova-compute processes.</param>
public sealed record NovaTreeReport(
    string NovaDir,
    string? Version,
    string? DpkgPackage,
    string State,
    string? Shape,
    string? MadeFor,
    bool AtOffset,
    string? Reason,
    IReadOnlyList<string> DpkgModified,
    NovaPatchEvent? LastChange,
    IReadOnlyList<NovaComputeStatus> NovaCompute);

/// <summary>The io nova generated for a disk of the verification's nova.conf, next to what disk_io_modes asked for.</summary>
public sealed record NovaIoCheck(string Conf, string Case, string SourceType, string? Expected, string? Nova);

/// <summary>How the patched tree was verified.</summary>
/// <param name="Imported">The patched nova imported and built disks.</param>
/// <param name="OptionRegistered"><c>[libvirt] disk_io_modes</c> is a registered oslo.config option.</param>
/// <param name="Confs">nova.conf files the disks were built from.</param>
/// <param name="Disks">Disks built.</param>
/// <param name="FieldsCompared">Fields compared with KvmTune's simulation.</param>
/// <param name="Mismatches">Fields where nova and the simulation differ.</param>
/// <param name="Io">The io per disk for the nova.conf that sets every source type.</param>
/// <param name="UnitTests">nova's unit tests, when run.</param>
/// <param name="Problems">Why the verification failed (empty when it passed).</param>
public sealed record NovaPatchVerification(
    bool Imported,
    bool OptionRegistered,
    int Confs,
    int Disks,
    int FieldsCompared,
    IReadOnlyList<NovaFieldMismatch> Mismatches,
    IReadOnlyList<NovaIoCheck> Io,
    NovaUnitTestRun? UnitTests,
    IReadOnlyList<string> Problems)
{
    /// <summary>True when nothing went wrong.</summary>
    public bool Ok => Problems.Count == 0;
}

/// <summary>What a patch or revert did.</summary>
/// <param name="Action"><c>patch</c> or <c>revert</c>.</param>
/// <param name="Tree">The tree before the action.</param>
/// <param name="Diff">The unified diff of the change (empty when there is nothing to do).</param>
/// <param name="Written">True when the files were written (and, after a patch, verified and kept).</param>
/// <param name="BackupDirectory">Where the previous files were saved.</param>
/// <param name="Verification">The verification of a written patch.</param>
/// <param name="RolledBack">True when the verification failed and the original files were put back.</param>
/// <param name="Failure">Why the action failed, or null.</param>
/// <param name="Notes">What the operator must do next.</param>
public sealed record NovaPatchResult(
    string Action,
    NovaTreeReport Tree,
    string Diff,
    bool Written,
    string? BackupDirectory,
    NovaPatchVerification? Verification,
    bool RolledBack,
    string? Failure,
    IReadOnlyList<string> Notes);

/// <summary>
/// <c>kvmtune nova patch</c>: makes an installed nova honour <c>[libvirt] disk_io_modes</c> (the patch for the tree's
/// code shape, from share/nova/patches), or takes the patch out again, or tells which state a tree is in. Writing
/// backs up every touched file, writes atomically, then verifies (import the patched nova, build disks from nova.conf
/// files the way nova-compute does and compare them with KvmTune's simulation, run nova's unit tests with stestr);
/// any failure puts the original files back.
/// </summary>
public static class NovaPatchService
{
    /// <summary>The patch files' directory under share/.</summary>
    public const string PatchDirectory = "nova/patches";

    /// <summary>The nova unit tests the focused verification runs (regular expressions over test ids).</summary>
    public static IReadOnlyList<string> FocusedTests { get; } =
    [
        @"test_disk_io_modes\.",
        @"test_driver\.LibvirtConnTestCase\.test_(.*cache_?mode|get_guest_disk_config|get_volume_config|get_guest_storage_config|.*disk_discard)",
        @"test_imagebackend\.",
        @"volume\.test_(iscsi|fibrechannel|nfs|net|volume)\.",
        @"test_config\.LibvirtConfigGuestDiskTest",
    ];

    /// <summary>Every patch KvmTune ships, one per code shape.</summary>
    public static IReadOnlyList<NovaPatch> LoadPatches() =>
        ShareDirectory.List(PatchDirectory, "*.patch").Select(f => NovaPatch.Parse(File.ReadAllText(f), f)).ToList();

    /// <summary>The state of the tree (<c>--check</c>).</summary>
    public static async Task<NovaTreeReport> CheckAsync(NovaPatchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tree = await NovaTree.LocateAsync(options.NovaDir, cancellationToken).ConfigureAwait(false);
        return Report(tree, tree.Detect(LoadPatches()), options);
    }

    /// <summary>The patch text for the tree's shape, or for <paramref name="shape"/> (<c>--print</c>).</summary>
    public static async Task<NovaPatch> PrintAsync(NovaPatchOptions options, string? shape, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var patches = LoadPatches();
        if (shape is not null)
        {
            return patches.FirstOrDefault(p => p.Shape == shape)
                ?? throw new InputException($"--shape {shape}: KvmTune has a patch for {string.Join(", ", patches.Select(p => p.Shape))}");
        }
        var tree = await NovaTree.LocateAsync(options.NovaDir, cancellationToken).ConfigureAwait(false);
        var detection = tree.Detect(patches);
        return detection.Patch ?? throw new InputException(Refusal(tree, detection) + $"; --shape {string.Join('|', patches.Select(p => p.Shape))} prints a patch anyway");
    }

    /// <summary>Patches the tree: a dry run (the diff) unless <paramref name="write"/>.</summary>
    public static async Task<NovaPatchResult> PatchAsync(NovaPatchOptions options, bool write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tree = await NovaTree.LocateAsync(options.NovaDir, cancellationToken).ConfigureAwait(false);
        var detection = tree.Detect(LoadPatches());
        var report = Report(tree, detection, options);
        switch (detection.State)
        {
            case NovaPatchState.Unknown:
                throw new InputException(Refusal(tree, detection));
            case NovaPatchState.Patched:
                return new NovaPatchResult("patch", report, "", false, null, null, false, null,
                    [$"{tree.PackageDirectory} is already patched (shape {detection.Patch!.Shape}); nothing to do", .. AfterPatch(report)]);
        }
        if (report.DpkgModified.Count > 0)
        {
            throw new InputException($"{tree.FullPath(report.DpkgModified[0])}: differs from what {tree.DpkgPackage} installed (dpkg's md5sum): modified elsewhere; KvmTune patches only the packaged files");
        }
        var files = detection.Files;
        var diff = Diff(files);
        if (!write)
        {
            return new NovaPatchResult("patch", report, diff, false, null, null, false, null,
                [$"dry run: nothing written; pass --yes to patch {tree.PackageDirectory} (shape {detection.Patch!.Shape})"]);
        }

        var backup = NovaTreeWriter.Backup(tree, detection.Patch!.Shape, "patch", files, options.BackupRoot ?? NovaTreeWriter.DefaultBackupRoot, DateTimeOffset.UtcNow);
        NovaPatchVerification verification;
        try
        {
            NovaTreeWriter.Apply(tree, files);
            verification = await VerifyAsync(tree, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NovaToolException or InputException or OperationCanceledException)
        {
            var restored = Restore(tree, files, backup);
            return new NovaPatchResult("patch", report, diff, false, backup, null, true,
                $"{e.Message}; {restored}", []);
        }
        if (!verification.Ok)
        {
            var restored = Restore(tree, files, backup);
            return new NovaPatchResult("patch", report, diff, false, backup, verification, true,
                $"verification failed: {verification.Problems[0]}; {restored}", []);
        }
        return new NovaPatchResult("patch", report, diff, true, backup, verification, false, null, AfterPatch(Report(tree, tree.Detect(LoadPatches()), options)));
    }

    /// <summary>Takes the patch out: the files as they were, byte for byte; a dry run unless <paramref name="write"/>.</summary>
    public static async Task<NovaPatchResult> RevertAsync(NovaPatchOptions options, bool write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tree = await NovaTree.LocateAsync(options.NovaDir, cancellationToken).ConfigureAwait(false);
        var detection = tree.Detect(LoadPatches());
        var report = Report(tree, detection, options);
        switch (detection.State)
        {
            case NovaPatchState.Unknown:
                throw new InputException(Refusal(tree, detection));
            case NovaPatchState.Stock:
                return new NovaPatchResult("revert", report, "", false, null, null, false, null,
                    [$"{tree.PackageDirectory} is not patched; nothing to revert"]);
        }
        var files = detection.Files;
        // The reverse of an exact patch is exact; where dpkg or KvmTune's backup recorded the original, check it too.
        var check = CheckOriginals(tree, files, options);
        if (check is not null)
        {
            throw new InputException(check);
        }
        var diff = Diff(files);
        if (!write)
        {
            return new NovaPatchResult("revert", report, diff, false, null, null, false, null,
                [$"dry run: nothing written; pass --yes to revert {tree.PackageDirectory}"]);
        }
        var backup = NovaTreeWriter.Backup(tree, detection.Patch!.Shape, "revert", files, options.BackupRoot ?? NovaTreeWriter.DefaultBackupRoot, DateTimeOffset.UtcNow);
        NovaTreeWriter.Apply(tree, files);
        if (!NovaTreeWriter.Holds(tree, files.Select(f => (f.Path, f.After))))
        {
            return new NovaPatchResult("revert", report, diff, true, backup, null, false,
                $"{tree.PackageDirectory} does not read back as the original; the patched files are in {backup}", []);
        }
        var notes = new List<string>
        {
            $"{tree.PackageDirectory} holds nova's own files again{(tree.DpkgPackage is null ? "" : $" (their md5sums match {tree.DpkgPackage}'s)")}.",
            "restart nova-compute (systemctl restart nova-compute): until then it runs the patched code.",
            "nova ignores [libvirt] disk_io_modes again: instances get nova's own io at their next hard reboot, resize or migration (kvmtune nova pending lists them).",
        };
        return new NovaPatchResult("revert", report, diff, true, backup, null, false, null, notes);
    }

    /// <summary>
    /// Verifies a patched tree: builds the disks of three nova.conf files with the real (patched) nova and compares
    /// them with <see cref="NovaSimulator"/>, then runs nova's unit tests of <see cref="NovaPatchOptions.Tests"/>.
    /// </summary>
    public static async Task<NovaPatchVerification> VerifyAsync(NovaTree tree, NovaPatchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var scratch = Directory.CreateTempSubdirectory("kvmtune-nova-verify-").FullName;
        try
        {
            var confs = VerificationConfs(scratch);
            var paths = new List<string>();
            foreach (var (name, text) in confs)
            {
                var path = Path.Combine(scratch, name);
                await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
                paths.Add(path);
            }
            var oracle = await NovaPython.BuildDisksAsync(tree.Root, paths, "true", cancellationToken).ConfigureAwait(false);
            var mismatches = new List<NovaFieldMismatch>();
            var io = new List<NovaIoCheck>();
            var disks = 0;
            var fields = 0;
            var registered = oracle.Confs.All(c => c.DiskIoModesRegistered);
            if (!registered)
            {
                problems.Add("[libvirt] disk_io_modes is not a registered option of the patched nova");
            }
            foreach (var (result, (name, text)) in oracle.Confs.Zip(confs))
            {
                if ((result.LoadError ?? result.DriverError) is { } failed)
                {
                    problems.Add($"{name}: {failed}");
                    continue;
                }
                var conf = NovaConf.Parse(text, name);
                var expectedModes = conf.EffectiveIoModes;
                if (result.DiskIoModes is null || !expectedModes.OrderBy(k => k.Key).SequenceEqual(result.DiskIoModes.OrderBy(k => k.Key)))
                {
                    problems.Add($"{name}: LibvirtDriver.disk_io_modes is {Show(result.DiskIoModes)}, expected {Show(expectedModes)}");
                }
                var simulated = NovaSimulator.Explain(conf, new NovaHost(true, HostFacts.Unknown, null, tree.NovaVersion));
                foreach (var disk in result.Disks)
                {
                    var sim = simulated.Disks.Single(d => d.Case == disk.Case);
                    disks++;
                    fields += disk.Error is null && sim.Error is null ? NovaFidelity.Fields.Count : 1;
                    mismatches.AddRange(NovaFidelity.Compare(name, sim, disk, patched: true));
                    if (name == "all-types.conf" && disk.Error is null)
                    {
                        io.Add(new NovaIoCheck(name, disk.Case, disk.SourceType ?? "", sim.Attributes.Io, disk.Driver?.Io));
                    }
                }
            }
            problems.AddRange(mismatches.Take(5).Select(m => $"{m.Conf} {m.Case}: {m.Field} is {m.Nova ?? "unset"} in nova, {m.KvmTune ?? "unset"} in KvmTune's simulation"));
            NovaUnitTestRun? tests = null;
            if (options.Tests != NovaUnitTestScope.None)
            {
                var filters = options.Tests == NovaUnitTestScope.Focused ? FocusedTests : [];
                tests = await NovaPython.RunUnitTestsAsync(tree.Root, filters, options.Concurrency ?? Environment.ProcessorCount, cancellationToken).ConfigureAwait(false);
                if (!tests.Succeeded)
                {
                    problems.Add(tests.Ran == 0
                        ? "nova's unit tests did not run"
                        : $"{tests.Failed} of nova's {tests.Ran} unit tests failed{(tests.FailedTests.Count > 0 ? $" (first: {tests.FailedTests[0]})" : "")}");
                }
            }
            return new NovaPatchVerification(true, registered, confs.Count, disks, fields, mismatches, io, tests, problems);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    // Three nova.conf files: every source type set (io per type must reach every disk), native with a cache without
    // O_DIRECT and 'default' (the fallback and the removal), and none (the patched nova must behave as stock nova).
    private static List<(string Name, string Text)> VerificationConfs(string scratch)
    {
        var common = $"[DEFAULT]\nstate_path = {scratch}\ninstances_path = {scratch}/instances\n";
        return
        [
            ("all-types.conf", common + "[libvirt]\nimages_volume_group = kvmtune-verify\ndisk_io_modes = file=io_uring, block=threads, network=native\n"),
            ("fallback.conf", common.Replace("[DEFAULT]\n", "[DEFAULT]\npreallocate_images = space\n", StringComparison.Ordinal) +
                "[libvirt]\nimages_volume_group = kvmtune-verify\ndisk_cachemodes = file=writeback\ndisk_io_modes = file=native, block=default\n"),
            ("unset.conf", common + "[libvirt]\nimages_volume_group = kvmtune-verify\n"),
        ];
    }

    private static string Show(IReadOnlyDictionary<string, string>? modes) =>
        modes is null ? "missing" : "{" + string.Join(", ", modes.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value}")) + "}";

    private static string Diff(IReadOnlyList<PatchedFile> files) => string.Concat(files.Select(f => UnifiedDiff.Create(
        f.Before ?? "", f.After ?? "", f.Before is null ? "/dev/null" : $"a/{f.Path}", f.After is null ? "/dev/null" : $"b/{f.Path}")));

    private static string Restore(NovaTree tree, IReadOnlyList<PatchedFile> files, string backup)
    {
        string result;
        try
        {
            NovaTreeWriter.Restore(tree, files);
            result = NovaTreeWriter.Holds(tree, files.Select(f => (f.Path, f.Before)))
                ? "the original files are back, byte for byte"
                : "the original files do NOT read back as they were: restore them from the backup";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"restoring the original files failed ({e.Message}): restore them from the backup";
        }
        try
        {
            NovaTreeWriter.MarkRolledBack(backup);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result += $" (the backup's manifest could not be marked as rolled back: {e.Message})";
        }
        return result;
    }

    private static string Refusal(NovaTree tree, NovaPatchDetection detection) =>
        $"{tree.PackageDirectory} (nova {tree.Version ?? "of unknown version"}): not a nova KvmTune can patch: {detection.Reason}";

    // Before a revert: the originals the reverse patch gives must match dpkg's md5sums and KvmTune's last backup of
    // this tree when those exist; otherwise something else changed the files too.
    private static string? CheckOriginals(NovaTree tree, IReadOnlyList<PatchedFile> files, NovaPatchOptions options)
    {
        foreach (var file in files.Where(f => f.After is not null))
        {
            if (tree.DpkgMd5(file.Path) is { } md5 && NovaTree.Md5(file.After!) != md5)
            {
                return $"{tree.FullPath(file.Path)}: taking the patch out would not give back what {tree.DpkgPackage} installed (dpkg's md5sum differs): the file was modified elsewhere too";
            }
        }
        var last = NovaTreeWriter.History(options.BackupRoot ?? NovaTreeWriter.DefaultBackupRoot, tree.PackageDirectory)
            .FirstOrDefault(h => h.Manifest.Action == "patch");
        if (last.Manifest is not null)
        {
            foreach (var file in files)
            {
                var recorded = last.Manifest.Files.FirstOrDefault(f => f.Path == file.Path);
                if (recorded is not null && recorded.Sha256After == NovaTreeWriter.Sha(file.Before) && recorded.Sha256Before != NovaTreeWriter.Sha(file.After))
                {
                    return $"{tree.FullPath(file.Path)}: taking the patch out would not give back the file KvmTune backed up in {last.Directory}";
                }
            }
        }
        return null;
    }

    private static NovaTreeReport Report(NovaTree tree, NovaPatchDetection detection, NovaPatchOptions options)
    {
        var modified = new List<string>();
        if (tree.DpkgPackage is not null)
        {
            foreach (var file in detection.Patch?.Files ?? [])
            {
                if (tree.DpkgMd5(file.Path) is { } md5 && tree.ReadText(file.Path) is { } text && NovaTree.Md5(text) != md5)
                {
                    modified.Add(file.Path);
                }
            }
        }
        var history = NovaTreeWriter.History(options.BackupRoot ?? NovaTreeWriter.DefaultBackupRoot, tree.PackageDirectory)
            .Where(h => h.Manifest.Action is "patch" or "revert").ToList();
        var last = history.Count == 0 ? null : new NovaPatchEvent(history[0].Manifest.Action, history[0].Manifest.Time, history[0].Directory);
        // nova-compute runs the code it imported at start: one that started before the driver changed needs a restart.
        var driver = tree.FullPath("nova/virt/libvirt/driver.py");
        var changed = File.Exists(driver) ? new DateTimeOffset(File.GetLastWriteTimeUtc(driver)) : DateTimeOffset.MinValue;
        var compute = NovaComputeProcesses.Find()
            .Select(p => new NovaComputeStatus(p.Pid, p.Started, p.Started < changed))
            .ToList();
        return new NovaTreeReport(tree.PackageDirectory, tree.Version, tree.DpkgPackage, detection.StateText, detection.Patch?.Shape,
            detection.Patch?.MadeFor, detection.AtOffset, detection.Reason, modified, last, compute);
    }

    private static List<string> AfterPatch(NovaTreeReport report)
    {
        var notes = new List<string>();
        var stale = report.NovaCompute.Where(p => p.NeedsRestart).Select(p => p.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        notes.Add("restart nova-compute (systemctl restart nova-compute): it reads nova's code and nova.conf only at start" +
                  (stale.Count > 0 ? $"; pid {string.Join(", ", stale)} started before the patch" : "") + ".");
        notes.Add("set the io per source type in nova.conf: [libvirt] disk_io_modes = file=…, block=…, network=… (kvmtune nova apply --policy FILE, or kvmtune nova set libvirt.disk_io_modes=…).");
        notes.Add("existing instances keep their <driver> until nova regenerates their domain XML: openstack server reboot --hard (kvmtune nova pending lists them), resize or migration.");
        notes.Add("io='native' on a cache mode without O_DIRECT (writeback, writethrough, unsafe, or cache='writeback' because instances_path has no O_DIRECT) still falls back to 'threads' inside nova; KvmTune refuses such a policy with KT001 before writing.");
        notes.Add(report.DpkgPackage is { } package
            ? $"dpkg --verify {package} now reports the patched files as modified (expected); a package upgrade puts nova's own files back silently: run kvmtune nova patch --check after upgrades, and kvmtune nova patch --yes again."
            : "a reinstall or upgrade of nova (pip, a rebuilt image) puts nova's own files back silently: run kvmtune nova patch --check afterwards; for images, apply kvmtune nova patch --print at build time.");
        return notes;
    }
}
