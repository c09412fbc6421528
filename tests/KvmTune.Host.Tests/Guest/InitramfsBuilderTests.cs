using System.IO.Compression;
using KvmTune.Host.Guest;

namespace KvmTune.Host.Tests.Guest;

public sealed class InitramfsBuilderTests
{
    private static readonly GuestKernel FixtureKernel = new("/nonexistent/vmlinuz", GuestFixtures.Modules, "test");

    [Fact]
    public void Ldd_listing_yields_every_library_and_the_loader_but_not_the_vdso()
    {
        // Given ldd's real listing of Debian's fio
        var libraries = InitramfsBuilder.ParseLdd(GuestFixtures.Text("ldd-fio.txt"));

        // Then the loader, libc and the library found through librbd's runpath are all there, the vDSO is not
        Assert.Contains("/lib64/ld-linux-x86-64.so.2", libraries);
        Assert.Contains("/lib/x86_64-linux-gnu/libc.so.6", libraries);
        Assert.Contains("/usr/lib/x86_64-linux-gnu/ceph/libceph-common.so.2", libraries);
        Assert.DoesNotContain(libraries, l => l.Contains("vdso", StringComparison.Ordinal));
        Assert.All(libraries, l => Assert.StartsWith("/", l, StringComparison.Ordinal));
        Assert.Equal(libraries.Count, libraries.Distinct().Count());
    }

    [Fact]
    public void A_library_ldd_cannot_find_is_a_clear_failure()
    {
        var failure = Assert.Throws<GuestException>(() => InitramfsBuilder.ParseLdd("\tlibrbd.so.1 => not found\n"));
        Assert.Contains("librbd.so.1", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_script_loads_modules_in_order_waits_for_the_disk_runs_fio_and_powers_off()
    {
        // Given a module order; when the init script is generated
        var init = InitramfsBuilder.InitScript(["virtio_ring", "virtio", "virtio_blk"], ["/lib/x86_64-linux-gnu"]);
        var lines = init.Split('\n');

        // Then it is a busybox script that mounts, insmods in the given order, waits for /dev/vda,
        // runs the baked-in job with JSON output, prints it between the markers and powers off
        Assert.Equal("#!/bin/busybox sh", lines[0]);
        Assert.Contains("mount -t devtmpfs devtmpfs /dev", lines);
        Assert.Contains("export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu", lines);
        var insmods = lines.Where(l => l.StartsWith("insmod ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, insmods.Count);
        Assert.StartsWith("insmod /lib/modules/kvmtune/virtio_ring.ko ", insmods[0], StringComparison.Ordinal);
        Assert.StartsWith("insmod /lib/modules/kvmtune/virtio_blk.ko ", insmods[2], StringComparison.Ordinal);
        Assert.Contains("while [ ! -b /dev/vda ]; do", lines);
        Assert.Contains("fio --output-format=json --output=/tmp/fio.json /kvmtune/job.fio > /tmp/fio.log 2>&1", lines);
        var begin = Array.IndexOf(lines, $"echo \"{InitramfsBuilder.FioBegin}\"");
        Assert.True(begin > 0);
        Assert.Equal("cat /tmp/fio.json", lines[begin + 1]);
        Assert.Equal($"echo \"{InitramfsBuilder.FioEnd}\"", lines[begin + 2]);
        Assert.Equal("poweroff -f", lines[begin + 3]);
        Assert.True(Array.FindIndex(lines, l => l.StartsWith("insmod", StringComparison.Ordinal)) < Array.IndexOf(lines, "while [ ! -b /dev/vda ]; do"));
    }

    [Fact]
    public async Task Initramfs_holds_busybox_fio_its_libraries_the_modules_and_an_executable_init()
    {
        // Given the host's busybox-static and fio and Debian's virtio modules
        var builder = new InitramfsBuilder();
        var plan = await builder.PlanAsync(FixtureKernel, CancellationToken.None);

        // When the compressed archive is written and unpacked again
        using var compressed = new MemoryStream();
        InitramfsBuilder.WriteCompressed(plan, compressed);
        compressed.Position = 0;
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        await gzip.CopyToAsync(raw);
        var entries = CpioReader.Read(raw.ToArray()).ToDictionary(e => e.Name);

        // Then every piece is there, executable where it must be, and each parent precedes its children
        Assert.Equal(0x1ED, entries["init"].Permissions);
        Assert.Equal(plan.InitScript, entries["init"].Text);
        Assert.Equal(await File.ReadAllBytesAsync("/bin/busybox"), entries["bin/busybox"].Data);
        Assert.Equal(0x1ED, entries["usr/bin/fio"].Permissions);
        Assert.True(entries["dev/console"].IsCharDevice);
        var ldd = InitramfsBuilder.ParseLdd(await File.ReadAllTextAsync(GuestFixtures.Path("ldd-fio.txt")));
        Assert.All(ldd, lib => Assert.True(entries.ContainsKey(lib.TrimStart('/')), $"{lib} missing"));
        Assert.Equal(0x1ED, entries["lib64/ld-linux-x86-64.so.2"].Permissions);
        Assert.Equal(["virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci", "virtio_blk"], plan.Modules);
        foreach (var module in plan.Modules)
        {
            Assert.True(entries.ContainsKey($"lib/modules/kvmtune/{module}.ko"), module);
            Assert.Contains($"insmod /lib/modules/kvmtune/{module}.ko ", plan.InitScript, StringComparison.Ordinal);
        }
        foreach (var entry in entries.Values)
        {
            var parent = Path.GetDirectoryName(entry.Name);
            if (!string.IsNullOrEmpty(parent))
            {
                Assert.True(entries[parent].IsDirectory && entries[parent].HeaderOffset < entry.HeaderOffset, $"{parent} before {entry.Name}");
            }
        }
    }

    [Fact]
    public async Task A_kernel_without_the_virtio_block_driver_is_refused_with_its_name()
    {
        // Given a modules tree lacking virtio_blk (neither a module nor built in)
        var dir = GuestFixtures.CopyModules();
        try
        {
            File.Delete(Path.Combine(dir.FullName, "kernel", "drivers", "block", "virtio_blk.ko"));

            // When the initramfs is planned; then the failure names the driver
            var failure = await Assert.ThrowsAsync<GuestException>(() =>
                new InitramfsBuilder().PlanAsync(FixtureKernel with { ModulesDirectory = dir.FullName }, CancellationToken.None));
            Assert.Contains("virtio_blk", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Base_is_built_once_and_each_boot_appends_its_job_as_a_second_archive()
    {
        // Given an empty cache
        var cache = Directory.CreateTempSubdirectory("kvmtune-initramfs-");
        try
        {
            var builder = new InitramfsBuilder();

            // When the base is requested twice and a boot initrd is written from it
            var first = await builder.BuildCachedAsync(FixtureKernel, cache.FullName, CancellationToken.None);
            var written = File.GetLastWriteTimeUtc(first);
            var second = await builder.BuildCachedAsync(FixtureKernel, cache.FullName, CancellationToken.None);
            var boot = Path.Combine(cache.FullName, "boot.img");
            await InitramfsBuilder.WriteBootInitrdAsync(first, "[job]\nrw=read\n", boot, CancellationToken.None);

            // Then the second request reused the file, and the boot initrd is the base followed by an aligned job archive
            Assert.Equal(first, second);
            Assert.Equal(written, File.GetLastWriteTimeUtc(second));
            Assert.Single(Directory.GetFiles(cache.FullName, "initramfs-*"));
            var baseBytes = await File.ReadAllBytesAsync(first);
            var bootBytes = await File.ReadAllBytesAsync(boot);
            Assert.Equal(0, baseBytes.Length % 4);
            Assert.Equal(baseBytes, bootBytes[..baseBytes.Length]);
            var job = CpioReader.Read(bootBytes, baseBytes.Length).Single(e => e.Name == InitramfsBuilder.JobPath);
            Assert.Equal("[job]\nrw=read\n", job.Text);
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }
}
