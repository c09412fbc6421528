using KvmTune.Host.Files;
using KvmTune.Host.Libvirt;

namespace KvmTune.Host.Tests.Libvirt;

public sealed class DomainBackupStoreTests : IDisposable
{
    private const string Uuid = "3f1c0e9a-5b7d-4a2e-9c1f-0123456789ab";
    private static readonly DomainKey System = DomainKey.Create("qemu:///system", Uuid);
    private static readonly DomainKey Session = DomainKey.Create("qemu:///session", "9d8c7b6a-5b7d-4a2e-9c1f-0123456789ab");

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-backups-");

    private string Root => Path.Combine(_dir.FullName, "backups");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Xml(string uuid, string cache) =>
        $"<domain type='qemu'>\n  <name>web</name>\n  <uuid>{uuid}</uuid>\n  <devices><disk><driver cache='{cache}'/></disk></devices>\n</domain>\n";

    [Fact]
    public void Backups_are_keyed_by_uri_and_uuid_so_a_session_backup_is_never_offered_for_a_system_domain_of_the_same_name()
    {
        // Given a backup of "web" under qemu:///session
        var store = new DomainBackupStore(Root);
        store.Save(Session, "web", Xml(Session.Uuid, "unsafe"), "before-apply");

        // When the backups of "web" under qemu:///system are listed, Then there are none
        Assert.Empty(store.List(System, "web"));
        Assert.Single(store.List(Session, "web"));
        Assert.Null(store.LatestToRestore(System, "web"));
    }

    [Fact]
    public void A_backup_is_written_private_under_its_key()
    {
        var store = new DomainBackupStore(Root);

        var backup = store.Save(System, "web", Xml(Uuid, "none"), "before-apply", new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));

        Assert.Equal(Path.Combine(Root, "libvirt", "qemu%3A%2F%2F%2Fsystem", Uuid, "20260102T030405.678Z-before-apply.xml"), backup.Path);
        Assert.Equal(Xml(Uuid, "none"), DomainBackupStore.Read(backup));
        Assert.Equal(DurableFile.PrivateMode, File.GetUnixFileMode(backup.Path));
        Assert.Equal(PrivateDirectory.Mode, File.GetUnixFileMode(Path.GetDirectoryName(backup.Path)!));
        Assert.Equal(PrivateDirectory.Mode, File.GetUnixFileMode(Root));
    }

    [Fact]
    public void A_plain_rollback_never_picks_its_own_safety_copy()
    {
        // Given original → applied (backup of the original) → rolled back (safety copy of the applied definition)
        var store = new DomainBackupStore(Root);
        var t = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var original = store.Save(System, "web", Xml(Uuid, "writeback"), "before-apply", t);
        store.Save(System, "web", Xml(Uuid, "none"), DomainBackup.BeforeRollback, t.AddMinutes(1));

        // Then the backup to restore is still the original, not the newer safety copy
        Assert.Equal(original.Path, store.LatestToRestore(System, "web")!.Path);
        Assert.Equal(2, store.List(System, "web").Count);
    }

    [Fact]
    public void Backups_saved_by_name_only_are_read_for_the_domain_whose_uuid_they_hold()
    {
        // Given the layout of an older KvmTune: <root>/<name>/<time>-<reason>.xml, one of this domain, one of another
        var legacy = Directory.CreateDirectory(Path.Combine(Root, "web")).FullName;
        File.WriteAllText(Path.Combine(legacy, "20250101T000000.000Z-before-apply.xml"), Xml(Uuid, "writeback"));
        File.WriteAllText(Path.Combine(legacy, "20250102T000000.000Z-before-apply.xml"), Xml(Session.Uuid, "unsafe"));
        var store = new DomainBackupStore(Root);

        // When the system domain's backups are listed, Then only the one with its UUID is there, marked legacy
        var backup = Assert.Single(store.List(System, "web"));
        Assert.True(backup.Legacy);
        Assert.Contains("writeback", DomainBackupStore.Read(backup), StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlinked_backup_directory_is_refused_and_nothing_is_written_through_it()
    {
        // Given the store's libvirt directory is a symlink to a directory elsewhere (issue 11 item 7)
        Directory.CreateDirectory(Root);
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir.FullName, "elsewhere")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(Root, "libvirt"), elsewhere);
        var store = new DomainBackupStore(Root);

        Assert.Throws<UnsafePathException>(() => store.Save(System, "web", Xml(Uuid, "none"), "before-apply"));
        Assert.Throws<UnsafePathException>(() => store.List(System, "web"));

        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
    }

    [Fact]
    public void On_a_full_file_system_a_domain_backup_is_absent_not_truncated()
    {
        using var fs = MountedFileSystem.Tmpfs();
        var store = new DomainBackupStore(Path.Combine(fs.Path, "backups"));
        store.Save(System, "web", Xml(Uuid, "none"), "before-apply");
        fs.Fill();

        Assert.ThrowsAny<IOException>(() => store.Save(System, "web", Xml(Uuid, "writeback") + new string(' ', 64 << 10), "before-apply"));

        Assert.Single(store.List(System, "web"));
        Assert.Single(Directory.GetFileSystemEntries(store.DirectoryFor(System)));
    }

    [Theory]
    [InlineData("qemu:///system", "qemu%3A%2F%2F%2Fsystem")]
    [InlineData("qemu+ssh://root@host-1/system?keyfile=/k", "qemu%2Bssh%3A%2F%2Froot%40host-1%2Fsystem%3Fkeyfile%3D%2Fk")]
    public void A_uri_becomes_one_file_name_component(string uri, string component) =>
        Assert.Equal(component, DomainKey.Create(uri, Uuid).UriComponent);
}
