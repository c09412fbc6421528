using KvmTune.Core.Libvirt;
using KvmTune.Host.Libvirt;

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
        var rollback = _cli.Run("rollback", "--domain", domain.Name, "--yes");

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
    public void The_release_build_ignores_the_old_test_hook_variables()
    {
        // Given the variables that once corrupted defineXML's XML and paused apply after the backup (issue 11 item 10);
        // the writer's test seams are now constructor arguments (DomainDefinitionWriterTests)
        using var domain = TestDomain.Define();
        var marker = Path.Combine(_dir, "backup-written");

        // When apply --yes runs with them set
        var run = _cli.Run(new Dictionary<string, string> { ["KVMTUNE_TEST_CORRUPT_DEFINE"] = "1", ["KVMTUNE_TEST_PAUSE_AFTER_BACKUP"] = marker },
            "apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes");

        // Then it simply applies: no corruption, no pause, no marker
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("none", Vda(domain.PersistentXml()).Driver.Cache);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Two_concurrent_applies_never_both_succeed_with_one_change_lost()
    {
        // Given one domain and two policies changing different attributes (issue 11 item 3: both said "written and
        // verified" and one change was lost)
        using var domain = TestDomain.Define();
        var cache = PolicyFile("""{"version":1,"disks":{"file":{"cache":"none"}}}""");
        var io = PolicyFile("""{"version":1,"disks":{"file":{"io":"threads"}}}""");
        var original = domain.PersistentXml();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using (var conn = TestDomain.Connect())
            using (conn.DefineXml(original))
            {
            }

            // When both run at the same time
            var first = Task.Run(() => _cli.Run("apply", "--policy", cache, "--domain", domain.Name, "--yes"));
            var second = Task.Run(() => _cli.Run("apply", "--policy", io, "--domain", domain.Name, "--yes"));
            await Task.WhenAll(first, second);

            // Then either both succeeded one after the other (the definition has both changes), or the later one
            // failed clearly and wrote nothing
            var after = Vda(domain.PersistentXml());
            var runs = new[] { (Run: await first, Changed: after.Driver.Cache == "none"), (Run: await second, Changed: after.Driver.Io == "threads") };
            Assert.Contains(runs, r => r.Run.ExitCode == 0);
            foreach (var (run, changed) in runs)
            {
                if (run.ExitCode == 0)
                {
                    Assert.True(changed, $"reported success but its change is not in the definition:\n{run}");
                }
                else
                {
                    Assert.True(run.ExitCode == 3, run.ToString());
                    Assert.Contains("changed since it was read; nothing written", run.Err, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void Rollback_is_a_dry_run_without_yes_and_names_what_it_would_restore()
    {
        using var domain = TestDomain.Define();
        Assert.Equal(0, _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes").ExitCode);
        var applied = domain.PersistentXml();
        var backup = Path.GetFileName(Assert.Single(_cli.Backups(domain.Name)));

        var dry = _cli.Run("rollback", "--domain", domain.Name);

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains($"restoring {backup}", dry.Text, StringComparison.Ordinal);
        Assert.Contains("before-apply", dry.Text, StringComparison.Ordinal);
        Assert.Contains("Dry run: nothing written", dry.Text, StringComparison.Ordinal);
        Assert.Contains("+      <driver name='qemu' type='qcow2'/>", dry.Out, StringComparison.Ordinal);
        Assert.Equal(applied, domain.PersistentXml());
        Assert.Single(_cli.Backups(domain.Name));
    }

    [Fact]
    public void Rolling_back_twice_restores_the_original_not_the_applied_definition()
    {
        // Given an applied policy (issue 11 item 4: the second rollback took the first one's safety copy)
        using var domain = TestDomain.Define();
        var original = domain.PersistentXml();
        Assert.Equal(0, _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes").ExitCode);

        // When rollback --yes runs twice
        var once = _cli.Run("rollback", "--domain", domain.Name, "--yes");
        var twice = _cli.Run("rollback", "--domain", domain.Name, "--yes");

        // Then the definition is the original both times, and the second wrote nothing
        Assert.True(once.ExitCode == 0, once.ToString());
        Assert.True(twice.ExitCode == 0, twice.ToString());
        Assert.Equal(original, domain.PersistentXml());
        Assert.Contains("nothing written", twice.Text, StringComparison.Ordinal);
        Assert.Equal(2, _cli.Backups(domain.Name).Length);
    }

    [Fact]
    public void A_backup_of_a_domain_with_the_same_name_but_another_uuid_is_not_offered()
    {
        // Given a backup saved by name only by an older KvmTune, of another domain that had this name
        using var domain = TestDomain.Define();
        var legacy = Directory.CreateDirectory(Path.Combine(_cli.DataHome, "kvmtune", "backups", domain.Name)).FullName;
        File.WriteAllText(Path.Combine(legacy, "20250101T000000.000Z-before-apply.xml"),
            domain.DefinedXml.Replace("<name>", "<uuid>00000000-1111-2222-3333-444444444444</uuid>\n  <name>", StringComparison.Ordinal));

        var run = _cli.Run("rollback", "--domain", domain.Name, "--yes");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("no backups to restore", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlinked_backups_directory_is_refused_and_nothing_is_written_through_it()
    {
        // Given the data directory's backups directory is a symlink to a directory elsewhere (issue 11 item 7)
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();
        var data = Directory.CreateDirectory(Path.Combine(_cli.DataHome, "kvmtune")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(data, "backups"), elsewhere);

        var run = _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes");

        // Then apply stops before defineXML, says why, and nothing was written through the link
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("is a symbolic link", run.Err, StringComparison.Ordinal);
        Assert.Contains("nothing written", run.Err, StringComparison.Ordinal);
        Assert.Equal(before, domain.PersistentXml());
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
    }

    [Fact]
    public void Backups_and_the_data_directory_are_private()
    {
        // Given a data directory someone made world-readable (issue 11 item 8)
        using var domain = TestDomain.Define();
        var data = Directory.CreateDirectory(Path.Combine(_cli.DataHome, "kvmtune")).FullName;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);

        Assert.Equal(0, _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes").ExitCode);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        var backup = Assert.Single(_cli.Backups(domain.Name));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        for (var dir = Path.GetDirectoryName(backup)!; dir != _cli.DataHome; dir = Path.GetDirectoryName(dir)!)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        }
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
    [Fact]
    public void Rollback_to_a_named_backup_restores_that_one_and_list_shows_every_backup()
    {
        // Given two applies: original → cache='none' → cache='directsync'
        using var domain = TestDomain.Define();
        var original = domain.PersistentXml();
        Assert.Equal(0, _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes").ExitCode);
        var first = domain.PersistentXml();
        Assert.Equal(0, _cli.Run("apply", "--policy", PolicyFile("""{"version":1,"disks":{"file":{"cache":"directsync"}}}"""), "--domain", domain.Name, "--yes").ExitCode);
        Assert.Equal("directsync", Vda(domain.PersistentXml()).Driver.Cache);
        var backups = _cli.Backups(domain.Name);
        Assert.Equal([original, first], backups.Select(File.ReadAllText));

        // When --list runs, then rollback --to the oldest backup (by file name)
        var list = _cli.Run("rollback", "--domain", domain.Name, "--list");
        var rollback = _cli.Run("rollback", "--domain", domain.Name, "--to", Path.GetFileName(backups[0]), "--yes");

        // Then the list names both, and the definition is the original byte for byte
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.All(backups, b => Assert.Contains(Path.GetFileName(b), list.Out, StringComparison.Ordinal));
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal(original, domain.PersistentXml());
        Assert.Equal(3, _cli.Backups(domain.Name).Length);

        // And a second rollback to the same backup writes nothing
        var again = _cli.Run("rollback", "--domain", domain.Name, "--to", Path.GetFileName(backups[0]), "--yes");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("nothing written", again.Text, StringComparison.Ordinal);
        Assert.Equal(3, _cli.Backups(domain.Name).Length);
    }
    [Fact]
    public void Json_output_carries_the_plan_and_the_outcome_and_nothing_else_on_stdout()
    {
        using var domain = TestDomain.Define();

        // When a dry run and then a real run print JSON
        var dry = _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--format", "json");
        var real = _cli.Run("apply", "--policy", PolicyFile(NoneNative), "--domain", domain.Name, "--yes", "--format", "json");

        // Then stdout is one JSON document each: planned edits with the diff, then written with the backup
        Assert.True(dry.ExitCode == 0, dry.ToString());
        using var planned = System.Text.Json.JsonDocument.Parse(dry.Out);
        Commands.JsonKeys.AssertSnakeCase(dry.Out, "apply (dry run)");
        var p = Assert.Single(planned.RootElement.GetProperty("hosts")[0].GetProperty("results").EnumerateArray());
        Assert.Equal("planned", p.GetProperty("status").GetString());
        Assert.Equal(4, p.GetProperty("edits").GetArrayLength());
        Assert.Contains("+      <driver name='qemu' type='qcow2' cache='none' io='native'/>", p.GetProperty("diff").GetString(), StringComparison.Ordinal);
        Assert.True(real.ExitCode == 0, real.ToString());
        using var written = System.Text.Json.JsonDocument.Parse(real.Out);
        Commands.JsonKeys.AssertSnakeCase(real.Out, "apply");
        var w = Assert.Single(written.RootElement.GetProperty("hosts")[0].GetProperty("results").EnumerateArray());
        Assert.Equal("written", w.GetProperty("status").GetString());
        Assert.Equal(Assert.Single(_cli.Backups(domain.Name)), w.GetProperty("backup").GetString());
    }
}
