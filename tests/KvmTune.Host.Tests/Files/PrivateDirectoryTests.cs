using KvmTune.Host.Files;

namespace KvmTune.Host.Tests.Files;

public sealed class PrivateDirectoryTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("kvmtune-private-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Missing_directories_are_created_0700()
    {
        var deepest = PrivateDirectory.EnsureUnder(_root.FullName, "backups", "libvirt");

        Assert.Equal(PrivateDirectory.Mode, File.GetUnixFileMode(Path.Combine(_root.FullName, "backups")));
        Assert.Equal(PrivateDirectory.Mode, File.GetUnixFileMode(deepest));
    }

    [Fact]
    public void A_world_readable_directory_is_tightened_to_0700()
    {
        // Given a backups directory someone made 0755 (issue 11 item 8)
        var backups = Directory.CreateDirectory(Path.Combine(_root.FullName, "backups")).FullName;
        File.SetUnixFileMode(backups, (UnixFileMode)0b111_101_101);

        PrivateDirectory.EnsureUnder(_root.FullName, "backups");

        Assert.Equal(PrivateDirectory.Mode, File.GetUnixFileMode(backups));
    }

    [Fact]
    public void A_symlink_in_place_of_a_directory_is_refused_and_not_followed()
    {
        // Given "backups" is a symlink to a directory elsewhere (issue 11 item 7)
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root.FullName, "elsewhere")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(_root.FullName, "backups"), elsewhere);

        var e = Assert.Throws<UnsafePathException>(() => PrivateDirectory.EnsureUnder(_root.FullName, "backups", "libvirt"));

        Assert.Contains("is a symbolic link", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
    }

    [Fact]
    public void A_directory_of_another_user_is_refused()
    {
        var backups = Directory.CreateDirectory(Path.Combine(_root.FullName, "backups")).FullName;
        TestProcess.Check("chown", "1234", backups);

        var e = Assert.Throws<UnsafePathException>(() => PrivateDirectory.EnsureUnder(_root.FullName, "backups"));

        Assert.Contains("owned by uid 1234", e.Message, StringComparison.Ordinal);
    }
}
