using KvmTune.Host.Libvirt;
using KvmTune.Tests.Shared;

namespace KvmTune.Host.Tests.Libvirt;

/// <summary>The writer against test domains in the real libvirtd, with its test seams given through the constructor.</summary>
public sealed class DomainDefinitionWriterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-writer-");

    private string BackupRoot => Path.Combine(_dir.FullName, "backups");

    private string Locks => Directory.CreateDirectory(Path.Combine(_dir.FullName, "locks")).FullName;

    public void Dispose() => _dir.Delete(recursive: true);

    private static string WithCache(string xml) =>
        xml.Replace("type='qcow2'/>", "type='qcow2' cache='none'/>", StringComparison.Ordinal);

    [Fact]
    public void A_definition_libvirt_refuses_leaves_the_domain_unchanged_and_the_backup_on_disk()
    {
        // Given a writer whose define step gets XML libvirt's schema refuses
        using var domain = TestDomain.Define();
        using var connection = TestDomain.Connect();
        var before = domain.PersistentXml();
        var writer = new DomainDefinitionWriter(new DomainBackupStore(BackupRoot), Locks,
            hooks: new ReplaceHooks(BeforeDefine: xml => xml.Replace("</devices>", "  <kvmtune-not-a-device/>\n  </devices>", StringComparison.Ordinal)));

        var outcome = writer.Replace(connection, domain.Name, before, WithCache(before), "before-apply", _ => []);

        Assert.Equal(ReplaceStatus.Refused, outcome.Status);
        Assert.Contains("libvirt refused the new definition", outcome.Problems[0], StringComparison.Ordinal);
        Assert.Equal(before, domain.PersistentXml());
        Assert.Equal(before, File.ReadAllText(outcome.Backup!.Path));
    }

    [Fact]
    public void A_failure_right_after_the_backup_leaves_the_domain_unchanged_and_a_complete_backup()
    {
        // Given a writer that stops dead once the backup is on disk (as a kill between backup and defineXML would)
        using var domain = TestDomain.Define();
        using var connection = TestDomain.Connect();
        var before = domain.PersistentXml();
        var store = new DomainBackupStore(BackupRoot);
        var writer = new DomainDefinitionWriter(store, Locks, hooks: new ReplaceHooks(AfterBackup: _ => throw new OperationCanceledException("killed")));

        Assert.Throws<OperationCanceledException>(() => writer.Replace(connection, domain.Name, before, WithCache(before), "before-apply", _ => []));

        // Then the domain is as it was, and its one backup is complete, with no temporary file beside it
        Assert.Equal(before, domain.PersistentXml());
        using var dom = connection.LookupByName(domain.Name);
        var key = DomainKey.Of(dom);
        var backup = Assert.Single(store.List(key, domain.Name));
        Assert.Equal(before, DomainBackupStore.Read(backup));
        Assert.Single(Directory.GetFileSystemEntries(store.DirectoryFor(key)));
    }

    [Fact]
    public void A_writer_gives_up_while_another_holds_the_domain_lock_and_writes_nothing()
    {
        using var domain = TestDomain.Define();
        using var connection = TestDomain.Connect();
        var before = domain.PersistentXml();
        using var dom = connection.LookupByName(domain.Name);
        using var held = DomainLock.Acquire(DomainKey.Of(dom), TimeSpan.Zero, Locks);
        var writer = new DomainDefinitionWriter(new DomainBackupStore(BackupRoot), Locks, lockWait: TimeSpan.FromMilliseconds(300));

        var outcome = writer.Replace(connection, domain.Name, before, WithCache(before), "before-apply", _ => []);

        Assert.Equal(ReplaceStatus.NotStarted, outcome.Status);
        Assert.Contains("being changed by another kvmtune", outcome.Problems[0], StringComparison.Ordinal);
        Assert.Equal(before, domain.PersistentXml());
        Assert.False(Directory.Exists(BackupRoot));

        // And the holder itself can write under the lock it holds
        var mine = writer.Replace(connection, domain.Name, before, WithCache(before), "before-apply", _ => [], held);
        Assert.Equal(ReplaceStatus.Replaced, mine.Status);
    }

    [Fact]
    public void A_definition_changed_since_the_plan_is_not_overwritten()
    {
        using var domain = TestDomain.Define();
        using var connection = TestDomain.Connect();
        var planned = domain.PersistentXml();
        using (connection.DefineXml(planned.Replace("type='raw'/>", "type='raw' cache='directsync'/>", StringComparison.Ordinal)))
        {
        }
        var writer = new DomainDefinitionWriter(new DomainBackupStore(BackupRoot), Locks);

        var outcome = writer.Replace(connection, domain.Name, planned, WithCache(planned), "before-apply", _ => []);

        Assert.Equal(ReplaceStatus.NotStarted, outcome.Status);
        Assert.Contains("directsync", domain.PersistentXml(), StringComparison.Ordinal);
    }
}
