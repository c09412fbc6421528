using System.Diagnostics;
using KvmTune.Core.Libvirt;
using KvmTune.Host.Libvirt;
using KvmTune.Tests.Shared;

namespace KvmTune.Cli.Tests.Libvirt;

/// <summary><c>kvmtune apply</c> against test domains in the real libvirtd, run as a real process.</summary>
public sealed class ApplyCommandTests : IDisposable
{
    private const string NoneNative = """{"version":1,"disks":{"file":{"cache":"none","io":"native"}}}""";

    private readonly KvmTuneProcess _cli = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("kvmtune-apply-test-").FullName;

    public void Dispose()
    {
        _cli.Dispose();
        Directory.Delete(_dir, true);
    }

    private string PolicyFile(string json)
    {
        var path = Path.Combine(_dir, $"policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static Disk Vda(string xml) => DomainDocument.Parse(xml).Disks.Single(d => d.TargetDev == "vda");

    [Fact]
    public void A_dry_run_shows_the_plan_and_a_one_line_diff_and_changes_nothing()
    {
        // Given a defined domain whose vda has no cache or io
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();

        // When apply runs without --yes
        var run = _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name);

        // Then it prints the plan and a diff that changes exactly vda's driver line, and writes nothing
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("-      <driver name='qemu' type='qcow2'/>\n+      <driver name='qemu' type='qcow2' cache='none' io='native'/>\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("-      <driver name='qemu' type='raw'/>\n+      <driver name='qemu' type='raw' cache='none' io='native'/>\n", run.Out, StringComparison.Ordinal);
        Assert.Equal(4, run.Out.Split('\n').Count(l => l.StartsWith('-') || l.StartsWith('+')) - 2);
        Assert.Contains("Dry run: nothing written", run.Text, StringComparison.Ordinal);
        Assert.Equal(before, domain.PersistentXml());
        Assert.Empty(_cli.Backups(domain.Name));
        Assert.Equal("", run.Err);
    }

    [Fact]
    public void Apply_writes_and_verifies_the_new_definition_after_a_backup_and_rollback_restores_the_exact_bytes()
    {
        // Given a defined domain
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();

        // When the policy is applied with --yes
        var run = _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes");

        // Then both file disks have the new settings, nothing else changed, and the backup holds the previous definition byte for byte
        Assert.True(run.ExitCode == 0, run.ToString());
        var after = domain.PersistentXml();
        Assert.Equal("none", Vda(after).Driver.Cache);
        Assert.Equal("native", Vda(after).Driver.Io);
        Assert.Equal(
            before.Replace("type='qcow2'/>", "type='qcow2' cache='none' io='native'/>", StringComparison.Ordinal)
                  .Replace("type='raw'/>", "type='raw' cache='none' io='native'/>", StringComparison.Ordinal),
            after);
        var backup = Assert.Single(_cli.Backups(domain.Name));
        Assert.Equal(before, File.ReadAllText(backup));
        Assert.EndsWith("-before-apply.xml", backup, StringComparison.Ordinal);
        Assert.Contains("written and verified", run.Text, StringComparison.Ordinal);

        // When rollback runs
        var rollback = _cli.Run("rollback", "--domain", domain.Name);

        // Then the definition is the original byte for byte, and the applied one was backed up first
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal(before, domain.PersistentXml());
        var backups = _cli.Backups(domain.Name);
        Assert.Equal(2, backups.Length);
        Assert.Equal(after, File.ReadAllText(backups.Single(b => b.EndsWith("-before-rollback.xml", StringComparison.Ordinal))));
    }

    [Fact]
    public void Applying_the_same_policy_twice_writes_nothing_the_second_time()
    {
        using var domain = TestDomain.Define();
        Assert.Equal(0, _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes").ExitCode);
        var applied = domain.PersistentXml();

        var again = _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes");

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Nothing to change", again.Text, StringComparison.Ordinal);
        Assert.Single(_cli.Backups(domain.Name));
        Assert.Equal(applied, domain.PersistentXml());
    }

    [Fact]
    public void Domains_not_selected_are_never_touched()
    {
        using var chosen = TestDomain.Define();
        using var other = TestDomain.Define();
        var otherBefore = other.PersistentXml();

        var run = _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", chosen.Name, "--yes");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("none", Vda(chosen.PersistentXml()).Driver.Cache);
        Assert.Equal(otherBefore, other.PersistentXml());
        Assert.Empty(_cli.Backups(other.Name));
        Assert.DoesNotContain(other.Name, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_that_would_produce_a_domain_that_cannot_start_is_refused_before_anything_is_written()
    {
        // Given a policy asking for io='native' with the host page cache (KT001)
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();

        var run = _cli.Run("apply", "--policy", PolicyFile("""{"version":1,"disks":{"file":{"cache":"writeback","io":"native"}}}"""), "--domain", domain.Name, "--yes");

        // Then: one line, exit 2, domain unchanged, no backup
        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.ErrLines);
        Assert.StartsWith("kvmtune: ", line, StringComparison.Ordinal);
        Assert.Contains("KT001", line, StringComparison.Ordinal);
        Assert.Equal(before, domain.PersistentXml());
        Assert.Empty(_cli.Backups(domain.Name));
    }

    [Fact]
    public void An_unwritable_backup_directory_stops_apply_before_defineXML()
    {
        // Given a data directory where the backups directory cannot be created (a file is in its place)
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();
        Directory.CreateDirectory(Path.Combine(_cli.DataHome, "kvmtune"));
        File.WriteAllText(Path.Combine(_cli.DataHome, "kvmtune", "backups"), "not a directory");

        var run = _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes");

        // Then apply fails, says why, and the domain is unchanged
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("cannot save a backup", run.Err, StringComparison.Ordinal);
        Assert.Contains("nothing written", run.Err, StringComparison.Ordinal);
        Assert.Equal(before, domain.PersistentXml());
    }

    [Fact]
    public void When_libvirt_refuses_defineXML_the_definition_is_unchanged_and_the_backup_exists()
    {
        // Given a hook that makes the XML sent to defineXML invalid for libvirt's schema
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();

        var run = _cli.Run(new Dictionary<string, string> { [DomainDefinitionWriter.CorruptDefineVariable] = "1" },
            "apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes");

        // Then libvirt's refusal is reported, the domain is as it was, and the backup holds it
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("libvirt refused the new definition", run.Err, StringComparison.Ordinal);
        Assert.Equal(before, domain.PersistentXml());
        Assert.Equal(before, File.ReadAllText(Assert.Single(_cli.Backups(domain.Name))));
    }

    [Fact]
    public void A_process_killed_between_backup_and_defineXML_leaves_the_domain_unchanged_and_the_backup_on_disk()
    {
        // Given apply paused right after the backup is written
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();
        var marker = Path.Combine(_dir, "backup-written");
        var psi = _cli.StartInfo(new Dictionary<string, string> { [DomainDefinitionWriter.PauseAfterBackupVariable] = marker },
            "apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes");
        using var process = Process.Start(psi)!;
        var watch = Stopwatch.StartNew();
        while (!File.Exists(marker) && !process.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(50);
        }
        Assert.True(File.Exists(marker), "apply never reached the point after the backup");

        // When it is killed (SIGKILL)
        process.Kill();
        process.WaitForExit();

        // Then the domain is unchanged and the backup is complete
        Assert.Equal(before, domain.PersistentXml());
        Assert.Equal(before, File.ReadAllText(Assert.Single(_cli.Backups(domain.Name))));
        Assert.Empty(Directory.GetFiles(_cli.BackupsOf(domain.Name), "*.tmp"));
    }

    [Fact]
    public void A_running_domain_keeps_its_settings_until_restart_and_restart_makes_them_live()
    {
        // Given a running domain
        using var domain = TestDomain.Define();
        using (var conn = TestDomain.Connect())
        using (var dom = conn.LookupByName(domain.Name))
        {
            dom.Start();
        }

        // When apply --yes runs without --restart
        var run = _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes");

        // Then it says a cold restart is needed and the live definition still has the old settings
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("keeps the old settings until a cold restart", run.Text, StringComparison.Ordinal);
        using (var conn = TestDomain.Connect())
        using (var dom = conn.LookupByName(domain.Name))
        {
            Assert.Null(Vda(dom.LiveXml).Driver.Cache);
            Assert.Equal("none", Vda(dom.PersistentXml).Driver.Cache);
        }

        // When a second policy is applied with --restart (the guest has no ACPI: destroyed after the timeout)
        var restart = _cli.Run("apply", "--policy", PolicyFile("""{"version":1,"disks":{"file":{"cache":"directsync","io":"native"}}}"""),
            "--domain", domain.Name, "--yes", "--restart", "--shutdown-timeout", "1");

        // Then the domain runs again with the new settings live
        Assert.True(restart.ExitCode == 0, restart.ToString());
        Assert.Contains("cold-restarted", restart.Text, StringComparison.Ordinal);
        using (var conn = TestDomain.Connect())
        using (var dom = conn.LookupByName(domain.Name))
        {
            Assert.Equal(DomainState.Running, dom.State);
            Assert.Equal("directsync", Vda(dom.LiveXml).Driver.Cache);
        }
    }

    [Fact]
    public void A_nova_managed_domain_is_told_what_nova_conf_makes_the_change_last_and_what_nova_cannot_express()
    {
        using var domain = TestDomain.Define(
            metadata: "<nova:instance xmlns:nova=\"http://openstack.org/xmlns/libvirt/nova/1.1\"><nova:name>web-1</nova:name></nova:instance>",
            iothreads: 1);

        var run = _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("nova manages this domain", run.Text, StringComparison.Ordinal);
        Assert.Contains("hard reboot, resize and migration", run.Text, StringComparison.Ordinal);
        Assert.Contains("disk_cachemodes = file=none", run.Out, StringComparison.Ordinal);
        Assert.Contains("disk_io_modes = file=native", run.Out, StringComparison.Ordinal);
        Assert.Contains("nova cannot express: io per source type", run.Text, StringComparison.Ordinal);
        Assert.Contains("nova cannot express: iothread binding", run.Text, StringComparison.Ordinal);
    }
}
