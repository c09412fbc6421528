using KvmTune.Host.Files;

namespace KvmTune.Host.Tests.Files;

public sealed class AtomicFileWriterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-atomic-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Rewriting_keeps_permissions_and_ownership_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(_dir.FullName, "nova.conf");
        File.WriteAllText(path, "old\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        LoopDevice.Run("chown", "1234:5678", path);

        Assert.True(AtomicFileWriter.Write(path, "new\n"));

        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Equal("1234:5678", LoopDevice.Run("stat", "-c", "%u:%g", path).Trim());
        Assert.Equal(["nova.conf"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void Unchanged_content_is_never_rewritten()
    {
        var path = Path.Combine(_dir.FullName, "nova.conf");
        File.WriteAllText(path, "same\n");
        var inode = LoopDevice.Run("stat", "-c", "%i", path);

        Assert.False(AtomicFileWriter.Write(path, "same\n"));

        Assert.Equal(inode, LoopDevice.Run("stat", "-c", "%i", path));
    }

    [Fact]
    public void A_symlinked_file_is_written_through_the_link_which_stays_a_link()
    {
        var real = Path.Combine(_dir.FullName, "real.conf");
        var link = Path.Combine(_dir.FullName, "nova.conf");
        File.WriteAllText(real, "old\n");
        File.CreateSymbolicLink(link, real);

        Assert.True(AtomicFileWriter.Write(link, "new\n"));

        Assert.Equal(real, new FileInfo(link).LinkTarget);
        Assert.Equal("new\n", File.ReadAllText(real));
    }

    [Fact]
    public void A_new_file_is_created()
    {
        var path = Path.Combine(_dir.FullName, "new.conf");

        Assert.True(AtomicFileWriter.Write(path, "x\n"));

        Assert.Equal("x\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_failed_write_leaves_the_original_and_no_temporary_file()
    {
        var sub = Directory.CreateDirectory(Path.Combine(_dir.FullName, "ro"));
        var path = Path.Combine(sub.FullName, "nova.conf");
        File.WriteAllText(path, "old\n");
        // A directory where the target is: the rename must fail after the temporary file was written.
        var blocked = Path.Combine(sub.FullName, "dir.conf");
        Directory.CreateDirectory(blocked);

        Assert.ThrowsAny<IOException>(() => AtomicFileWriter.Write(blocked, "new\n"));

        Assert.Equal(["nova.conf"], sub.GetFiles().Select(f => f.Name));
        Assert.Equal("old\n", File.ReadAllText(path));
    }

    [Fact]
    public void Backups_are_timestamped_copies_that_never_overwrite_each_other()
    {
        var path = Path.Combine(_dir.FullName, "nova.conf");
        File.WriteAllText(path, "v1\n");
        var backups = Path.Combine(_dir.FullName, "backups");
        var now = new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero);

        var first = AtomicFileWriter.Backup(path, backups, now);
        File.WriteAllText(path, "v2\n");
        var second = AtomicFileWriter.Backup(path, backups, now);

        Assert.Equal(Path.Combine(backups, "nova.conf.20261126T070000000Z"), first);
        Assert.Equal(Path.Combine(backups, "nova.conf.20261126T070000000Z.1"), second);
        Assert.Equal("v1\n", File.ReadAllText(first));
        Assert.Equal("v2\n", File.ReadAllText(second));
    }
}
