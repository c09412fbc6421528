using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using KvmTune.Cli.Commands.Nova;
using KvmTune.Core.Nova;
using KvmTune.Core.Nova.Patching;
using KvmTune.Core.Serialization;
using KvmTune.Host.Nova;
using KvmTune.Services.Nova;
using Spectre.Console.Testing;
using Xunit.Abstractions;

namespace KvmTune.Cli.Tests.Nova;

/// <summary>
/// <c>kvmtune nova explain --format json</c> against the real nova (Debian's python3-nova, driven by
/// share/nova/nova_disks.py the way nova-compute builds disks) over a grid of nova.conf files: per disk, whether nova
/// can build it, the source type, the driver's name, format, cache, io and discard, the canonical &lt;disk&gt;
/// element, and nova's warnings (invalid list items, the native→threads fallback). Then the same on a patched copy
/// of the nova tree with <c>[libvirt] disk_io_modes</c> set. The counts are written to the test output (rerun with
/// <c>dotnet test tests/KvmTune.Cli.Tests --filter NovaDifferentialTests --logger "console;verbosity=detailed"</c>).
/// </summary>
public sealed class NovaDifferentialTests(ITestOutputHelper log) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-nova-diff-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static readonly string[] CacheModes = ["default", "none", "writethrough", "writeback", "directsync", "unsafe"];
    private static readonly string[] IoModes = ["default", "native", "threads", "io_uring"];
    private const string Vg = "images_volume_group = nova-vg\n";

    /// <summary>The grid of stock nova.conf files: name → text.</summary>
    internal static List<(string Name, string Text)> StockGrid()
    {
        var grid = new List<(string, string)>
        {
            ("empty", ""),
            ("only-sections", "[DEFAULT]\n[libvirt]\n"),
        };
        // Every cache mode per source type (and an unknown type that nova keeps but no disk has).
        foreach (var type in new[] { "file", "block", "network", "mount" })
        {
            foreach (var mode in CacheModes)
            {
                grid.Add(($"cache-{type}-{mode}", $"[libvirt]\n{Vg}disk_cachemodes = {type}={mode}\n"));
            }
        }
        grid.Add(("cache-all-types", $"[libvirt]\n{Vg}disk_cachemodes = file=writethrough, block=directsync, network=writeback\n"));
        // Invalid, duplicate and empty items; spacing; continuation lines; quoting.
        foreach (var (name, value) in new[]
                 {
                     ("invalid-mode", "file=nocache"), ("no-equals", "file"), ("unknown-type", "fiel=none"),
                     ("duplicate-type", "file=none,file=writeback"), ("empty-item", "file=writeback,,block=unsafe"),
                     ("leading-comma", ",file=unsafe"), ("trailing-comma", "file=unsafe,"), ("trailing-blank-item", "file=unsafe, ,"),
                     ("space-around-equals", "file = unsafe"), ("upper-case", "file=None,block=UNSAFE"),
                     ("only-commas", ",,"), ("type-only-equals", "=none"),
                 })
        {
            grid.Add(($"items-{name}", $"[libvirt]\n{Vg}disk_cachemodes = {value}\n"));
        }
        grid.Add(("continuation-lines", $"[libvirt]\n{Vg}disk_cachemodes = file=writeback,\n    block=unsafe,\n  network=directsync\n"));
        grid.Add(("quoted-values", "[libvirt]\nimages_type = \"lvm\"\nimages_volume_group = 'vg0'\ndisk_cachemodes = \"file=unsafe,block=writethrough\"\n"));
        grid.Add(("colon-separator-and-comments", "# nova.conf\n[libvirt]\n; a comment\nimages_type: qcow2\ndisk_cachemodes: block=writeback\n"));
        grid.Add(("repeated-key", $"[libvirt]\n{Vg}disk_cachemodes = file=unsafe\ndisk_cachemodes = file=directsync\nimages_type = raw\nimages_type = lvm\n"));
        // Every images_type, and the ones oslo.config refuses.
        foreach (var type in NovaConf.ImageTypes)
        {
            grid.Add(($"images-type-{type}", $"[libvirt]\nimages_type = {type}\n{Vg}"));
        }
        grid.Add(("images-type-lvm-without-vg", "[libvirt]\nimages_type = lvm\n"));
        grid.Add(("images-type-invalid", "[libvirt]\nimages_type = qcow\n"));
        grid.Add(("images-rbd-pool", "[libvirt]\nimages_type = rbd\nimages_rbd_pool = vms\n"));
        grid.Add(("images-rbd-pool-empty", "[libvirt]\nimages_type = rbd\nimages_rbd_pool =\n"));
        grid.Add(("use-cow-images-false", "[DEFAULT]\nuse_cow_images = false\n"));
        grid.Add(("use-cow-images-invalid", "[DEFAULT]\nuse_cow_images = sometimes\n"));
        grid.Add(("force-raw-images-invalid-with-lvm", $"[DEFAULT]\nforce_raw_images = maybe\n[libvirt]\nimages_type = lvm\n{Vg}"));
        grid.Add(("force-raw-images-invalid-with-qcow2", "[DEFAULT]\nforce_raw_images = maybe\n[libvirt]\nimages_type = qcow2\n"));
        grid.Add(("virt-type-qemu", $"[libvirt]\nvirt_type = qemu\n{Vg}"));
        grid.Add(("virt-type-lxc", $"[libvirt]\nvirt_type = lxc\n{Vg}"));
        grid.Add(("virt-type-invalid", "[libvirt]\nvirt_type = xen\n"));
        // Preallocation, with and without a cache that makes nova drop native.
        foreach (var value in new[] { "none", "space", "Space", "full", "" })
        {
            grid.Add(($"preallocate-{(value.Length == 0 ? "empty" : value)}", $"[DEFAULT]\npreallocate_images = {value}\n[libvirt]\n{Vg}"));
        }
        grid.Add(("preallocate-space-file-writeback", $"[DEFAULT]\npreallocate_images = space\n[libvirt]\n{Vg}disk_cachemodes = file=writeback\n"));
        grid.Add(("preallocate-space-file-directsync", $"[DEFAULT]\npreallocate_images = space\n[libvirt]\n{Vg}disk_cachemodes = file=directsync\n"));
        // Sparse LVM, as oslo.config spells booleans.
        foreach (var value in new[] { "true", "True", "yes", "1", "off", "maybe", "" })
        {
            grid.Add(($"sparse-lvm-{(value.Length == 0 ? "empty" : value)}", $"[libvirt]\nimages_type = lvm\n{Vg}sparse_logical_volumes = {value}\n"));
        }
        grid.Add(("sparse-lvm-block-unsafe", $"[libvirt]\nimages_type = lvm\n{Vg}sparse_logical_volumes = false\ndisk_cachemodes = block=unsafe\n"));
        // Discard.
        foreach (var value in new[] { "unmap", "ignore", "on", "" })
        {
            grid.Add(($"discard-{(value.Length == 0 ? "empty" : value)}", $"[libvirt]\n{Vg}hw_disk_discard = {value}\n"));
        }
        // Volumes: nova 26 has no use_default_aio_mode_for_volumes.
        grid.Add(("use-default-aio-mode-true", $"[libvirt]\n{Vg}use_default_aio_mode_for_volumes = true\n"));
        grid.Add(("use-default-aio-mode-invalid", $"[libvirt]\n{Vg}use_default_aio_mode_for_volumes = perhaps\n"));
        // Paths: state_path set, instances_path set, nfs_mount_point_base set, state_path interpolated.
        grid.Add(("state-path-set", $"[DEFAULT]\nstate_path = /srv/nova\n[libvirt]\n{Vg}"));
        grid.Add(("instances-path-set", $"[DEFAULT]\ninstances_path = /srv/instances\n[libvirt]\n{Vg}"));
        grid.Add(("nfs-mount-point-base", $"[DEFAULT]\nstate_path = /srv/nova\n[libvirt]\n{Vg}nfs_mount_point_base = $state_path/nfs\n"));
        grid.Add(("everything", "[DEFAULT]\nstate_path = /var/lib/nova\npreallocate_images = space\nuse_cow_images = False\n" +
                                "[libvirt]\nvirt_type = kvm\nimages_type = lvm\nimages_volume_group = nova\nsparse_logical_volumes = False\n" +
                                "hw_disk_discard = unmap\ndisk_cachemodes = file=writeback,block=none,network=writeback\n"));
        return grid;
    }

    /// <summary>The grid with the patch: every io mode per source type, with caches that keep or drop native, bad items.</summary>
    internal static List<(string Name, string Text)> PatchedGrid()
    {
        var grid = new List<(string, string)>();
        foreach (var type in new[] { "file", "block", "network" })
        {
            foreach (var mode in IoModes)
            {
                grid.Add(($"io-{type}-{mode}", $"[libvirt]\n{Vg}disk_io_modes = {type}={mode}\n"));
            }
        }
        grid.Add(("io-all-types", $"[libvirt]\n{Vg}disk_io_modes = file=io_uring, block=threads, network=native\n"));
        grid.Add(("io-default-removes-native", $"[DEFAULT]\npreallocate_images = space\n[libvirt]\n{Vg}disk_io_modes = file=default,block=default\n"));
        grid.Add(("io-native-on-writeback-falls-back", $"[libvirt]\n{Vg}disk_cachemodes = file=writeback,block=unsafe\ndisk_io_modes = file=native,block=native\n"));
        grid.Add(("io-native-on-directsync", $"[libvirt]\n{Vg}disk_cachemodes = file=directsync\ndisk_io_modes = file=native\n"));
        grid.Add(("io-native-on-default-cache", $"[libvirt]\n{Vg}disk_cachemodes = block=default\ndisk_io_modes = block=native\n"));
        grid.Add(("io-io-uring-on-unsafe", $"[libvirt]\n{Vg}disk_cachemodes = file=unsafe\ndisk_io_modes = file=io_uring\n"));
        grid.Add(("io-shareable-volume", $"[libvirt]\n{Vg}disk_cachemodes = block=writeback\ndisk_io_modes = block=io_uring\n"));
        grid.Add(("io-invalid-items", $"[libvirt]\n{Vg}disk_io_modes = file=fast,block,,network=threads\n"));
        grid.Add(("io-duplicate-type", $"[libvirt]\n{Vg}disk_io_modes = file=threads,file=io_uring\n"));
        grid.Add(("io-unknown-type", $"[libvirt]\n{Vg}disk_io_modes = mount=threads,fiel=native\n"));
        grid.Add(("io-continuation", $"[libvirt]\n{Vg}disk_io_modes = file=io_uring,\n    block=native\n"));
        grid.Add(("io-sparse-lvm", $"[libvirt]\nimages_type = lvm\n{Vg}sparse_logical_volumes = true\ndisk_io_modes = block=native\n"));
        grid.Add(("io-quoted", $"[libvirt]\n{Vg}disk_io_modes = \"file=threads\"\n"));
        grid.Add(("io-unset", $"[libvirt]\n{Vg}"));
        return grid;
    }

    private sealed record Tally(string Phase, int Confs, int Disks, int Built, int Fields, List<string> Mismatches);

    [NovaFact]
    public async Task Nova_explain_agrees_with_the_real_nova_on_every_disk_of_the_grid()
    {
        var tally = await Compare("stock", InstalledNova.SitePackages, StockGrid(), patched: false, directIo: "true", instancesPath: null, record: true);

        Report(tally);
        Assert.True(tally.Mismatches.Count == 0, string.Join("\n", tally.Mismatches.Take(40)));
        Assert.True(tally.Built > 300, $"only {tally.Built} disks were built");
    }

    [NovaFact]
    public async Task Without_o_direct_on_instances_path_explain_agrees_with_nova_probing_a_ramfs()
    {
        var ramfs = Directory.CreateDirectory(Path.Combine(_dir.FullName, "ramfs")).FullName;
        Mount(ramfs);
        try
        {
            var grid = new List<(string, string)>
            {
                ("ramfs-defaults", $"[DEFAULT]\ninstances_path = {ramfs}\n[libvirt]\n{Vg}"),
                ("ramfs-preallocated", $"[DEFAULT]\ninstances_path = {ramfs}\npreallocate_images = space\n[libvirt]\n{Vg}"),
                ("ramfs-file-none", $"[DEFAULT]\ninstances_path = {ramfs}\npreallocate_images = space\n[libvirt]\n{Vg}disk_cachemodes = file=none\n"),
            };
            var tally = await Compare("ramfs", InstalledNova.SitePackages, grid, patched: false, directIo: "probe", instancesPath: ramfs);

            Report(tally);
            Assert.True(tally.Mismatches.Count == 0, string.Join("\n", tally.Mismatches));
            Assert.Empty(Directory.GetFileSystemEntries(ramfs));
        }
        finally
        {
            Run("umount", ramfs);
        }
    }

    [NovaFact]
    public async Task With_the_patch_explain_agrees_with_the_patched_nova_on_disk_io_modes()
    {
        using var copy = new NovaTreeCopy();
        var tree = await NovaTree.LocateAsync(copy.PackageDirectory);
        var detection = tree.Detect(NovaPatchService.LoadPatches());
        Assert.Equal(NovaPatchState.Stock, detection.State);
        NovaTreeWriter.Apply(tree, detection.Files);

        var tally = await Compare("patched", copy.Root, [.. PatchedGrid(), .. StockGrid().Where(g => g.Name.StartsWith("items-", StringComparison.Ordinal))],
            patched: true, directIo: "true", instancesPath: null, record: true);

        Report(tally);
        Assert.True(tally.Mismatches.Count == 0, string.Join("\n", tally.Mismatches.Take(40)));
        Assert.True(tally.Built > 250, $"only {tally.Built} disks were built");
    }

    private async Task<Tally> Compare(string phase, string root, List<(string Name, string Text)> grid, bool patched, string directIo, string? instancesPath, bool record = false)
    {
        var paths = new List<string>();
        foreach (var (name, text) in grid)
        {
            var path = Path.Combine(_dir.FullName, $"{phase}-{name}.conf");
            await File.WriteAllTextAsync(path, text);
            paths.Add(path);
        }
        var oracle = await NovaPython.BuildDisksAsync(root, paths, directIo);
        Assert.Equal(Path.Combine(root, "nova"), oracle.NovaFile);
        if (record)
        {
            CheckRecording(phase, root, grid, oracle, patched);
        }
        var mismatches = new List<string>();
        int disks = 0, built = 0, fields = 0;
        foreach (var (nova, (name, _)) in oracle.Confs.Zip(grid))
        {
            Assert.Null(nova.LoadError);
            Assert.Equal(patched, nova.DiskIoModesRegistered);
            var args = new List<string> { "nova", "explain", "--conf", nova.Conf, "--format", "json", "--nova-version", oracle.NovaVersion, "--state-path", nova.Pybasedir! };
            if (instancesPath is not null)
            {
                args.AddRange(["--instances-path", instancesPath]);
            }
            var explain = await Explain([.. args]);
            Assert.Equal(nova.InstancesPath, explain.InstancesPath);
            foreach (var disk in nova.Disks)
            {
                disks++;
                var mine = explain.Disks.Single(d => d.Case == disk.Case);
                var where = $"{name} {disk.Case}";
                if ((disk.Error is null) != (mine.Error is null))
                {
                    mismatches.Add($"{where}: error: nova {disk.Error ?? "builds it"}; kvmtune {mine.Error ?? "builds it"}");
                    fields++;
                    continue;
                }
                fields++;
                if (disk.Error is not null)
                {
                    continue;
                }
                built++;
                var attributes = patched ? mine.Attributes : mine.NovaAttributes;
                var n = disk.Driver!;
                void Field(string field, string? kvmtune, string? real)
                {
                    fields++;
                    if (kvmtune != real)
                    {
                        mismatches.Add($"{where}: {field}: nova {real ?? "(unset)"}, kvmtune {kvmtune ?? "(unset)"}");
                    }
                }
                Field("source_type", mine.SourceType, disk.SourceType);
                Field("driver_name", attributes.Name, n.Name);
                Field("format", attributes.Type, n.Type);
                Field("cache", attributes.Cache, n.Cache);
                Field("io", attributes.Io, n.Io);
                Field("discard", attributes.Discard, n.Discard);
                Field("disk_xml", NovaFidelity.CanonicalXml(patched ? mine.Disk : mine.NovaDisk), NovaFidelity.CanonicalXml(disk.DiskXml!));
                var fellBack = disk.Warnings.Any(w => w.Contains("fallen back from 'native' to 'threads'", StringComparison.Ordinal));
                var predicted = NovaRecordedGrid.PredictsNativeFallback(mine.Steps, patched);
                Field("fallback_warning", predicted ? "yes" : "no", fellBack ? "yes" : "no");
            }
            // nova warns once per invalid list item when the driver starts; KvmTune reports each with KN001/KN011.
            foreach (var (key, text) in new[] { ("disk_cachemodes", "Invalid cachemode"), ("disk_io_modes", "Invalid io mode") })
            {
                if (key == "disk_io_modes" && !patched)
                {
                    continue;
                }
                fields++;
                var warned = nova.DriverError is null ? nova.Warnings.Count(w => w.Message.StartsWith(text, StringComparison.Ordinal)) : 0;
                var reported = nova.DriverError is null ? explain.Findings.Count(f => f.Key == key && f.Code is "KN001" or "KN011") : 0;
                if (warned != reported)
                {
                    mismatches.Add($"{name}: {key} warnings: nova {warned}, kvmtune {reported}");
                }
            }
        }
        return new Tally(phase, grid.Count, disks, built, fields, mismatches);
    }

    /// <summary>
    /// The recording the Core tests replay (<see cref="NovaRecordedGrid"/>) must be what nova builds now: a difference
    /// fails here. After reviewing it, <c>KVMTUNE_UPDATE_GOLDEN=1</c> writes the new recording.
    /// </summary>
    private void CheckRecording(string phase, string root, List<(string Name, string Text)> grid, NovaOracleReport oracle, bool patched)
    {
        var confs = oracle.Confs.Zip(grid).Select(p => new NovaRecordedConf(p.Second.Name, p.Second.Text, p.First with { Conf = p.Second.Name })).ToList();
        var text = new NovaRecordedGrid(phase, oracle.NovaVersion, patched, confs).ToText()
            .Replace(_dir.FullName, "/etc/nova", StringComparison.Ordinal)
            .Replace(root, NovaRecordedGrid.SitePackages, StringComparison.Ordinal);
        var path = NovaRecordedGrid.SourcePath(phase);
        if (Environment.GetEnvironmentVariable("KVMTUNE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, text);
        }
        var recorded = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (recorded != text)
        {
            var want = recorded.Split('\n');
            var got = text.Split('\n');
            var line = Enumerable.Range(0, Math.Min(want.Length, got.Length)).FirstOrDefault(i => want[i] != got[i], Math.Min(want.Length, got.Length));
            Assert.Fail($"{path}:{line + 1}: nova now builds\n  {(line < got.Length ? got[line] : "(end)")}\nwhere the recording has\n  {(line < want.Length ? want[line] : "(end)")}\n" +
                        "review the difference, then KVMTUNE_UPDATE_GOLDEN=1 rewrites the recording");
        }
        log.WriteLine($"{phase}: {path} is what nova builds ({confs.Count} nova.conf files)");
    }

    private void Report(Tally t) => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{t.Phase}: {t.Confs} nova.conf files, {t.Disks} disks ({t.Built} built by nova, {t.Disks - t.Built} refused by both), {t.Fields} fields compared, {t.Mismatches.Count} mismatches"));

    private static async Task<NovaExplainJson> Explain(string[] args)
    {
        var console = new TestConsole();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KvmTuneApp.RunAsync(args, new CliOutput(console, stdout, stderr));
        Assert.True(code is 0 or 1, $"nova explain {string.Join(' ', args)}: exit {code}: {stderr}");
        return JsonSerializer.Deserialize<NovaExplainJson>(stdout.ToString(), JsonConvention.Options)!;
    }

    private static void Mount(string dir) => Run("mount", "-t", "ramfs", "-o", "mode=0755", "ramfs", dir);

    private static void Run(string tool, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {error}");
    }
}
