using CliWrap;
using KvmTune.Host.Guest;

namespace KvmTune.Host.Tests.Guest;

public sealed class KernelModulesTests
{
    [Fact]
    public void Dependencies_come_from_the_modinfo_section_when_there_is_no_modules_dep()
    {
        // Given Debian's virtio modules as dpkg-deb -x leaves them (no modules.dep)
        var modules = KernelModules.Open(GuestFixtures.Modules);

        // When the dependencies of virtio_pci and virtio_blk are read
        // Then they are the depends= strings of their .modinfo sections
        Assert.Equal(["virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio"], modules.DependenciesOf("virtio_pci"));
        Assert.Equal(["virtio", "virtio_ring"], modules.DependenciesOf("virtio_blk"));
        Assert.Empty(modules.DependenciesOf("virtio_ring"));
    }

    [Fact]
    public void Load_order_puts_every_dependency_before_its_user()
    {
        // Given the modules; when the guest's load order is resolved for virtio_blk alone
        var order = KernelModules.Open(GuestFixtures.Modules).LoadOrder(["virtio_blk", "virtio_pci"], out var missing);

        // Then all six modules come, each after what it depends on
        Assert.Empty(missing);
        Assert.Equal(["virtio_ring", "virtio", "virtio_blk", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci"], order);
    }

    [Fact]
    public void Modules_dep_is_preferred_when_depmod_has_run()
    {
        // Given a tree whose modules.dep says virtio_blk needs only virtio_ring
        var dir = GuestFixtures.CopyModules();
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "modules.dep"),
                "kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio_ring.ko\nkernel/drivers/virtio/virtio_ring.ko:\n");

            // When the order is resolved
            var order = KernelModules.Open(dir.FullName).LoadOrder(["virtio_blk"], out _);

            // Then modules.dep decided it
            Assert.Equal(["virtio_ring", "virtio_blk"], order);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Built_in_modules_are_neither_loaded_nor_missing()
    {
        // Given a kernel with virtio_ring and virtio built in
        var dir = GuestFixtures.CopyModules();
        try
        {
            File.AppendAllText(Path.Combine(dir.FullName, "modules.builtin"), "kernel/drivers/virtio/virtio_ring.ko\nkernel/drivers/virtio/virtio.ko\n");

            // When virtio_blk's order is resolved
            var order = KernelModules.Open(dir.FullName).LoadOrder(["virtio_blk"], out var missing);

            // Then only virtio_blk is loaded
            Assert.Equal(["virtio_blk"], order);
            Assert.Empty(missing);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_module_neither_present_nor_built_in_is_reported_missing()
    {
        // Given the modules; when a module the kernel lacks is wanted; then it is reported, the rest still ordered
        var order = KernelModules.Open(GuestFixtures.Modules).LoadOrder(["virtio_scsi", "virtio"], out var missing);
        Assert.Equal(["virtio_scsi"], missing);
        Assert.Equal(["virtio_ring", "virtio"], order);
    }

    [Fact]
    public async Task Xz_compressed_modules_are_found_and_decompressed_to_the_original_elf()
    {
        // Given the tree with every module compressed by xz (as Debian 13 and Ubuntu ship them)
        var dir = GuestFixtures.CopyModules();
        try
        {
            foreach (var ko in Directory.GetFiles(dir.FullName, "*.ko", SearchOption.AllDirectories))
            {
                await Cli.Wrap("xz").WithArguments(["--check=crc32", ko]).ExecuteAsync();
            }
            var modules = KernelModules.Open(dir.FullName);

            // When the order is resolved and a module read
            var order = modules.LoadOrder(["virtio_blk"], out _);
            var bytes = KernelModules.ReadModule(modules.FileOf("virtio_blk")!);

            // Then dependencies still come from modinfo and the bytes are the uncompressed module
            Assert.EndsWith(".ko.xz", modules.FileOf("virtio_blk"), StringComparison.Ordinal);
            Assert.Equal(["virtio_ring", "virtio", "virtio_blk"], order);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(GuestFixtures.Modules, "kernel", "drivers", "block", "virtio_blk.ko")), bytes);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("kernel/drivers/block/virtio_blk.ko", "virtio_blk")]
    [InlineData("kernel/drivers/char/hw_random/virtio-rng.ko.zst", "virtio_rng")]
    [InlineData("virtio_pci.ko.xz", "virtio_pci")]
    [InlineData("modules.order", null)]
    [InlineData("foo.kobj", null)]
    public void Module_names_come_from_file_names_with_dashes_as_underscores(string path, string? name) =>
        Assert.Equal(name, KernelModules.ModuleName(path));
}
