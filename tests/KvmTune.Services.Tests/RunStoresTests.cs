using KvmTune.Core;
using KvmTune.Services.Stores;

namespace KvmTune.Services.Tests;

public sealed class RunStoresTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-stores-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void A_new_results_store_is_private()
    {
        // Given no store yet (issue 11 item 8: kvmtune.db was 0644, and it holds host facts and domain XML)
        var path = Path.Combine(_dir.FullName, "sub", "kvmtune.db");

        using (RunStores.OpenForWriting(path))
        {
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void A_device_node_as_the_store_is_refused()
    {
        var node = Path.Combine(_dir.FullName, "kvmtune.db");
        using (var mknod = System.Diagnostics.Process.Start("mknod", [node, "c", "1", "3"]))
        {
            mknod.WaitForExit();
            Assert.Equal(0, mknod.ExitCode);
        }

        var e = Assert.Throws<InputException>(() => RunStores.OpenForWriting(node));

        Assert.Contains("is a character device, not a regular file", e.Message, StringComparison.Ordinal);
    }
}
