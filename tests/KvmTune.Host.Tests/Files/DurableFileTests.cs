using System.Net.Sockets;
using KvmTune.Core;
using KvmTune.Host.Files;
using KvmTune.Host.Native;

namespace KvmTune.Host.Tests.Files;

public sealed class DurableFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-durable-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static string Stat(string format, string path) => TestProcess.Check("stat", "-c", format, path).Trim();

    [Fact]
    public void Rewriting_keeps_permissions_and_ownership_and_leaves_no_temporary_file()
    {
        var path = PathOf("nova.conf");
        File.WriteAllText(path, "old\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        TestProcess.Check("chown", "1234:5678", path);

        var written = DurableFile.WriteText(path, "new\n");

        Assert.Equal(WriteKind.Replaced, written.Kind);
        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Equal("1234:5678", Stat("%u:%g", path));
        Assert.Equal(["nova.conf"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void Unchanged_content_is_never_rewritten()
    {
        var path = PathOf("nova.conf");
        File.WriteAllText(path, "same\n");
        var before = Stat("%i %Y", path);

        var written = DurableFile.WriteText(path, "same\n");

        Assert.Equal(WriteKind.Unchanged, written.Kind);
        Assert.Equal(before, Stat("%i %Y", path));
    }

    [Fact]
    public void A_symlinked_file_is_written_through_the_link_which_stays_a_link()
    {
        var real = PathOf("real.conf");
        var link = PathOf("nova.conf");
        File.WriteAllText(real, "old\n");
        File.CreateSymbolicLink(link, real);

        var written = DurableFile.WriteText(link, "new\n");

        Assert.Equal(real, written.Path);
        Assert.Equal(real, new FileInfo(link).LinkTarget);
        Assert.Equal("new\n", File.ReadAllText(real));
    }

    [Fact]
    public void A_symlink_to_nothing_is_refused_and_nothing_is_created()
    {
        var link = PathOf("nova.conf");
        File.CreateSymbolicLink(link, PathOf("missing.conf"));

        var e = Assert.Throws<InputException>(() => DurableFile.WriteText(link, "new\n"));

        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("missing.conf")));
    }

    [Fact]
    public void A_new_file_is_created_private()
    {
        var path = PathOf("report.html");

        var written = DurableFile.WriteText(path, "x\n");

        Assert.Equal(WriteKind.Created, written.Kind);
        Assert.Equal("x\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_character_device_node_is_refused_with_one_line_and_stays_a_device()
    {
        // Given a copy of /dev/null made with mknod (issue 11 item 1: nova set replaced such a node with a regular file)
        var node = PathOf("nova.conf");
        TestProcess.Check("mknod", node, "c", "1", "3");

        // When it is the target of a write
        var e = Assert.Throws<InputException>(() => DurableFile.WriteText(node, "[DEFAULT]\n"));

        // Then one line names it, and it is still the same character device
        Assert.Equal($"{node}: is a character device, not a regular file; refusing to replace it", e.Message);
        Assert.True(LinuxFile.LinkStat(node)!.IsCharacterDevice);
        Assert.Equal("1:3", LinuxFile.LinkStat(node)!.Rdev);
        Assert.Equal(["nova.conf"], Directory.GetFileSystemEntries(_dir.FullName).Select(Path.GetFileName));
    }

    [Fact]
    public void A_fifo_a_socket_and_a_directory_are_refused_and_left_as_they_are()
    {
        var fifo = PathOf("fifo.conf");
        TestProcess.Check("mkfifo", fifo);
        var socketPath = PathOf("socket.conf");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var directory = Directory.CreateDirectory(PathOf("dir.conf")).FullName;

        Assert.Contains("is a FIFO, not a regular file", Assert.Throws<InputException>(() => DurableFile.WriteText(fifo, "x")).Message, StringComparison.Ordinal);
        Assert.Contains("is a socket, not a regular file", Assert.Throws<InputException>(() => DurableFile.WriteText(socketPath, "x")).Message, StringComparison.Ordinal);
        Assert.Contains("is a directory, not a regular file", Assert.Throws<InputException>(() => DurableFile.WriteText(directory, "x")).Message, StringComparison.Ordinal);
        Assert.Contains("is a FIFO", Assert.Throws<InputException>(() => KvmTune.Host.Input.InputFiles.ReadBytes(fifo, 1 << 20, "nova.conf")).Message, StringComparison.Ordinal);

        Assert.True(LinuxFile.LinkStat(fifo)!.IsFifo);
        Assert.True(LinuxFile.LinkStat(socketPath)!.IsSocket);
        Assert.True(LinuxFile.LinkStat(directory)!.IsDirectory);
        Assert.Empty(Directory.GetFileSystemEntries(directory));
        Assert.Equal(3, Directory.GetFileSystemEntries(_dir.FullName).Length);
    }

    [Fact]
    public void A_hard_linked_file_is_rewritten_in_place_so_every_name_sees_the_new_content()
    {
        // Given nova.conf with a second hard link (a package manager's or config management's copy)
        var path = PathOf("nova.conf");
        var other = PathOf("nova.conf.link");
        File.WriteAllText(path, "old\n");
        TestProcess.Check("ln", path, other);
        var inode = Stat("%i", path);

        // When it is written
        var written = DurableFile.WriteText(path, "new and longer content\n");

        // Then it was rewritten in place (and says so): the same inode, both names see the new content
        Assert.Equal(WriteKind.RewrittenInPlace, written.Kind);
        Assert.Contains("in place", written.Describe(), StringComparison.Ordinal);
        Assert.Equal(inode, Stat("%i", path));
        Assert.Equal("2", Stat("%h", path));
        Assert.Equal("new and longer content\n", File.ReadAllText(other));
        Assert.Equal("short\n", File.ReadAllText(WriteAndRead(path, "short\n")));
        Assert.Equal("short\n", File.ReadAllText(other));
    }

    private static string WriteAndRead(string path, string text)
    {
        DurableFile.WriteText(path, text);
        return path;
    }

    [Fact]
    public void Extended_attributes_acls_and_security_labels_are_kept()
    {
        // Given nova.conf on ext4 with a user attribute, a security label, a trusted attribute and an ACL
        using var fs = MountedFileSystem.Ext4();
        var path = Path.Combine(fs.Path, "nova.conf");
        File.WriteAllText(path, "old\n");
        TestProcess.Check("setfattr", "-n", "user.kvmtune", "-v", "kept", path);
        TestProcess.Check("setfattr", "-n", "security.selinux", "-v", "system_u:object_r:nova_etc_t:s0", path);
        TestProcess.Check("setfattr", "-n", "trusted.kvmtune", "-v", "0x00ff", path);
        TestProcess.Check("setfacl", "-m", "u:nobody:r,g:adm:rw", path);
        var before = TestProcess.Check("getfattr", "--absolute-names", "-d", "-m", "-", "-e", "hex", path);
        var acl = TestProcess.Check("getfacl", "--absolute-names", path);
        var mode = Stat("%a", path);

        // When it is replaced
        var written = DurableFile.WriteText(path, "new\n");

        // Then every attribute, the ACL and the mode are as before, on a new inode
        Assert.Equal(WriteKind.Replaced, written.Kind);
        Assert.Contains("user.kvmtune", before, StringComparison.Ordinal);
        Assert.Contains("system.posix_acl_access", before, StringComparison.Ordinal);
        Assert.Equal(before, TestProcess.Check("getfattr", "--absolute-names", "-d", "-m", "-", "-e", "hex", path));
        Assert.Equal(acl, TestProcess.Check("getfacl", "--absolute-names", path));
        Assert.Equal(mode, Stat("%a", path));
        Assert.Equal("new\n", File.ReadAllText(path));
    }

    [Fact]
    public void On_a_full_file_system_a_write_fails_and_leaves_the_original_and_no_temporary_file()
    {
        // Given nova.conf on a file system with no space left
        using var fs = MountedFileSystem.Tmpfs();
        var path = Path.Combine(fs.Path, "nova.conf");
        File.WriteAllText(path, "old\n");
        fs.Fill();

        // When a larger content is written, Then it fails, the file is as it was, and nothing else is left
        Assert.ThrowsAny<IOException>(() => DurableFile.WriteText(path, new string('x', 64 << 10)));
        Assert.Equal("old\n", File.ReadAllText(path));
        Assert.Equal(["filler", "nova.conf"], Directory.GetFileSystemEntries(fs.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void On_a_full_file_system_a_backup_is_absent_rather_than_empty()
    {
        // Given a backup directory on a file system with no space left (issue 11 item 6: a 0-byte backup with a valid name)
        using var fs = MountedFileSystem.Tmpfs();
        var backups = Directory.CreateDirectory(Path.Combine(fs.Path, "backups")).FullName;
        fs.Fill();

        // When nova.conf is backed up there, Then it fails and no file with a backup's name exists
        Assert.ThrowsAny<IOException>(() => DurableFile.Backup("nova.conf", new byte[16 << 10], backups, DateTimeOffset.UtcNow));
        Assert.Empty(Directory.GetFileSystemEntries(backups));
    }

    [Fact]
    public void A_hard_linked_file_on_a_full_file_system_is_unchanged_when_the_new_content_does_not_fit()
    {
        using var fs = MountedFileSystem.Tmpfs();
        var path = Path.Combine(fs.Path, "nova.conf");
        File.WriteAllText(path, "old\n");
        TestProcess.Check("ln", path, Path.Combine(fs.Path, "link.conf"));
        fs.Fill();

        Assert.ThrowsAny<IOException>(() => DurableFile.WriteText(path, new string('x', 64 << 10)));

        Assert.Equal("old\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_failed_write_leaves_the_original_and_no_temporary_file()
    {
        // Given a directory the temporary file cannot be renamed over
        var sub = Directory.CreateDirectory(PathOf("ro"));
        var path = Path.Combine(sub.FullName, "nova.conf");
        File.WriteAllText(path, "old\n");
        var blocked = Directory.CreateDirectory(Path.Combine(sub.FullName, "dir.conf")).FullName;

        Assert.Throws<InputException>(() => DurableFile.WriteText(blocked, "new\n"));

        Assert.Equal(["nova.conf"], sub.GetFiles().Select(f => f.Name));
        Assert.Equal("old\n", File.ReadAllText(path));
    }

    [Fact]
    public void Backups_are_timestamped_private_copies_that_never_overwrite_each_other()
    {
        var backups = Directory.CreateDirectory(PathOf("backups")).FullName;
        var now = new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero);

        var first = DurableFile.Backup("nova.conf", "v1\n"u8, backups, now);
        var second = DurableFile.Backup("nova.conf", "v2\n"u8, backups, now);

        Assert.Equal(Path.Combine(backups, "nova.conf.20261126T070000000Z"), first);
        Assert.Equal(Path.Combine(backups, "nova.conf.20261126T070000000Z.1"), second);
        Assert.Equal("v1\n", File.ReadAllText(first));
        Assert.Equal("v2\n", File.ReadAllText(second));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first));
        Assert.Equal(2, Directory.GetFileSystemEntries(backups).Length);
    }

    [Fact]
    public void Create_new_never_replaces_an_existing_file()
    {
        var path = PathOf("backup.xml");
        File.WriteAllText(path, "first\n");

        Assert.Throws<FileAlreadyExistsException>(() => DurableFile.CreateNew(path, "second\n"u8));

        Assert.Equal("first\n", File.ReadAllText(path));
        Assert.Single(_dir.GetFiles());
    }

    [Fact]
    public void A_private_file_behind_a_symlink_is_refused_and_the_link_target_untouched()
    {
        var target = PathOf("elsewhere");
        File.WriteAllText(target, "someone else's\n");
        var link = PathOf("kvmtune-123.owner");
        File.CreateSymbolicLink(link, target);

        Assert.Throws<UnsafePathException>(() => DurableFile.WritePrivate(link, "123\n"u8));

        Assert.Equal("someone else's\n", File.ReadAllText(target));
    }

    [Fact]
    public void A_private_file_loses_group_and_other_permissions()
    {
        var path = PathOf("kvmtune.db");
        File.WriteAllText(path, "");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);

        DurableFile.EnsurePrivateFile(path, tighten: true);
        DurableFile.EnsurePrivateFile(PathOf("new.db"), tighten: true);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PathOf("new.db")));
    }
}
