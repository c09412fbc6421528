using KvmTune.Core;
using KvmTune.Host.Guest;

namespace KvmTune.Host.Tests.Guest;

public sealed class GuestKernelLocatorTests
{
    [Fact]
    public async Task Debian_kernel_package_is_the_real_dependency_of_linux_image_amd64()
    {
        // Given Debian's package lists; when the metapackage is resolved; then it names a versioned image
        var package = await GuestKernelLocator.ResolvePackageAsync(CancellationToken.None);
        Assert.Matches(@"^linux-image-\d+\.\d+\.\d+-\d+-amd64$", package);
    }

    [Fact]
    public async Task Second_use_of_the_debian_kernel_comes_from_the_cache_without_downloading()
    {
        // Given the default kernel cache, filled by a first use if this machine has not used it yet
        var locator = GuestKernelLocator.Default();
        var first = await locator.DebianKernelAsync(null, CancellationToken.None);

        // When the kernel is located again
        var messages = new List<string>();
        var second = await locator.DebianKernelAsync(messages.Add, CancellationToken.None);

        // Then nothing was downloaded, and the cache holds the kernel and just the virtio and block modules
        Assert.Empty(messages);
        Assert.Equal(first, second);
        Assert.StartsWith("debian:linux-image-", second.Origin, StringComparison.Ordinal);
        Assert.True(File.Exists(second.KernelPath));
        var modules = KernelModules.Open(second.ModulesDirectory!);
        Assert.NotNull(modules.FileOf("virtio_blk"));
        Assert.Null(modules.FileOf("ext4"));
        Assert.Empty(Directory.GetFiles(locator.CacheDirectory, "*.deb", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_kernel_file_that_does_not_exist_is_bad_input()
    {
        var locator = new GuestKernelLocator(Path.Combine(Path.GetTempPath(), "kvmtune-no-cache"));
        var failure = await Assert.ThrowsAsync<InputException>(() => locator.LocateAsync("/nonexistent/vmlinuz", null, null, CancellationToken.None));
        Assert.Equal("--kernel '/nonexistent/vmlinuz': no such file", failure.Message);
        var modules = await Assert.ThrowsAsync<InputException>(() => locator.LocateAsync(null, "/lib/modules/x", null, CancellationToken.None));
        Assert.Equal("--modules '/lib/modules/x' needs --kernel", modules.Message);
    }

    [Fact]
    public async Task An_explicit_kernel_without_modules_boots_with_virtio_assumed_built_in()
    {
        var kernel = Path.GetTempFileName();
        try
        {
            var located = await new GuestKernelLocator("/nonexistent").LocateAsync(kernel, null, null, CancellationToken.None);
            Assert.Equal(new GuestKernel(kernel, null, "file"), located);
        }
        finally
        {
            File.Delete(kernel);
        }
    }
}
