using System.Diagnostics;
using System.Text.Json;
using KvmTune.Cli.Tests.Commands;

namespace KvmTune.Cli.Tests.Fleet;

/// <summary>
/// deploy/ansible's playbooks run by Debian's ansible-playbook against the two ssh "hosts" of
/// scripts/test-services.sh: site.yml installs the .deb of scripts/package.sh and runs a tiny bench on each host;
/// apply.yml in check mode changes nothing, without it writes each host's nova.conf copy and the domain, restarting
/// "nova-compute" (a marker command) only where nova.conf changed.
/// </summary>
public sealed class AnsiblePlaybookTests
{
    private static string Playbooks => Path.Combine(RepoPaths.Root, "deploy", "ansible");

    [Fact]
    public void Site_installs_and_measures_both_hosts_and_apply_honours_check_mode_serial_and_the_restart_handler()
    {
        // Given an inventory of the two ssh hosts, per-host nova.conf copies, stores and data directories, a policy
        // and a domain to apply it to
        var services = TestServices.Load();
        var deb = Path.Combine(RepoPaths.Root, "artifacts", "kvmtune_" + Version() + "_amd64.deb");
        Assert.True(File.Exists(deb), $"{deb} is missing: run scripts/package.sh first (scripts/test.sh does)");
        using var dir = new TempDir();
        using var domain = TestDomain.Define([new TestDomain.DiskSpec("vda", "raw")]);
        var (a, b) = (services.SshHosts[0], services.SshHosts[1]);
        var inventory = dir.Write("hosts.ini", $"""
            [compute]
            host-a ansible_host={a.Address} ansible_port={a.Port} pg_host=127.0.0.1
            host-b ansible_host={b.Address} ansible_port={b.Port} pg_host=198.18.0.1

            [compute:vars]
            ansible_user=root
            ansible_ssh_private_key_file={services.SshKey}
            ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'
            ansible_python_interpreter=/usr/bin/python3
            """);
        const string nova = "[DEFAULT]\ndebug = false\n\n[libvirt]\nvirt_type = qemu\nimages_type = qcow2\n";
        foreach (var host in new[] { "host-a", "host-b" })
        {
            dir.Write($"{host}-nova.conf", nova);
        }
        // The shared store: the test PostgreSQL database, in a schema of this test's own.
        var schema = $"ansible_{Guid.NewGuid():N}";
        using var pg = new Npgsql.NpgsqlConnection(KvmTune.Storage.PostgresUrl.Parse(services.PostgresUrl).ConnectionString);
        pg.Open();
        Execute(pg, $"CREATE SCHEMA {schema}");
        var db = $"{services.PostgresUrl}?search_path={schema}";
        try
        {
            SiteThenApply(domain, dir, inventory, nova, db);
        }
        finally
        {
            Execute(pg, $"DROP SCHEMA {schema} CASCADE");
        }
    }

    private static void Execute(Npgsql.NpgsqlConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void SiteThenApply(TestDomain domain, TempDir dir, string inventory, string nova, string db)
    {
        var deb = Path.Combine(RepoPaths.Root, "artifacts", "kvmtune_" + Version() + "_amd64.deb");
        var policy = dir.Write("policy.json", """{"version": 1, "disks": {"file": {"cache": "none", "io": "threads"}}}""");
        var vars = dir.Write("vars.json", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["kvmtune_deb"] = deb,
            // This clone's build, whatever build of the same version the machine had.
            ["kvmtune_reinstall"] = true,
            ["kvmtune_measure"] = "bench",
            ["kvmtune_measure_args"] = new[] { "--engine", "qemu", "--backend", "raw-prealloc", "--cache", "none", "--aio", "threads",
                "--profile", "randread-4k-qd32", "--quick", "--size", "64M" },
            // Each host reaches the shared PostgreSQL at its own address of it (the namespace host through the veth).
            ["kvmtune_db"] = db.Replace("@127.0.0.1:", "@{{ pg_host | default('127.0.0.1') }}:", StringComparison.Ordinal),
            // Both "hosts" share this machine's file system and /etc/machine-id: each is named by its inventory name.
            ["kvmtune_environment"] = new Dictionary<string, string>
            {
                ["XDG_DATA_HOME"] = Path.Combine(dir.Path, "{{ inventory_hostname }}-data"),
                ["KVMTUNE_HOST_NAME"] = "{{ inventory_hostname }}",
                ["KVMTUNE_MACHINE_ID"] = "{{ inventory_hostname | hash('md5') }}",
            },
            ["kvmtune_policy"] = policy,
            ["kvmtune_nova_conf"] = Path.Combine(dir.Path, "{{ inventory_hostname }}-nova.conf"),
            ["kvmtune_nova_restart_command"] = new[] { "touch", Path.Combine(dir.Path, "{{ inventory_hostname }}.restarted") },
            ["kvmtune_apply_domains"] = new[] { domain.Name },
        }));
        var domainBefore = domain.PersistentXml();

        // When site.yml runs
        var site = Playbook(dir.Path, inventory, "site.yml", "-e", "@" + vars);

        // Then both hosts installed the package and stored one bench run and their settings in force into PostgreSQL
        Assert.True(site.ExitCode == 0, site.Output);
        AssertRecap(site.Output, "host-a", failed: 0);
        AssertRecap(site.Output, "host-b", failed: 0);
        Assert.Contains($"kvmtune {Version()}", Run("kvmtune", "version"), StringComparison.Ordinal);
        using (var history = JsonDocument.Parse(Run("kvmtune", "history", "--db", db, "--format", "json")))
        {
            Assert.Equal(2, history.RootElement.GetArrayLength());
        }
        // and fleet report, on the controller, shows both in one group (one storage) with the group's decision
        Assert.Contains("Group ", site.Output, StringComparison.Ordinal);
        using (var report = JsonDocument.Parse(Run("kvmtune", "fleet", "report", "--db", db, "--format", "json")))
        {
            var group = Assert.Single(report.RootElement.GetProperty("groups").EnumerateArray());
            Assert.Equal(["host-a", "host-b"], group.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("host").GetString()));
            Assert.Equal("raw-prealloc/none/threads", group.GetProperty("decision").GetString());
            Assert.Equal(2, group.GetProperty("decided_from").GetInt32());
            Assert.All(group.GetProperty("hosts").EnumerateArray(), h => Assert.Equal(JsonValueKind.String, h.GetProperty("collected").ValueKind));
        }

        // When apply.yml runs in check mode, serially
        var check = Playbook(dir.Path, inventory, "apply.yml", "-e", "@" + vars, "--check");

        // Then it reports what would change and changes nothing: nova.conf copies, the domain, no restart
        Assert.True(check.ExitCode == 0, check.Output);
        AssertRecap(check.Output, "host-a", failed: 0, changedAtLeast: 1);
        Assert.All(new[] { "host-a", "host-b" }, h => Assert.Equal(nova, File.ReadAllText(Path.Combine(dir.Path, $"{h}-nova.conf"))));
        Assert.Equal(domainBefore, domain.PersistentXml());
        Assert.Empty(Directory.GetFiles(dir.Path, "*.restarted"));
        // one host per batch (serial: 1)
        Assert.Equal(2, check.Output.Split("PLAY [Apply a tuning policy per host group]", StringSplitOptions.None).Length - 1);

        // When it runs for real
        var apply = Playbook(dir.Path, inventory, "apply.yml", "-e", "@" + vars);

        // Then each nova.conf copy carries the policy, the domain has cache='none', and nova-compute "restarted" on both
        Assert.True(apply.ExitCode == 0, apply.Output);
        Assert.All(new[] { "host-a", "host-b" }, h =>
        {
            Assert.Contains("disk_cachemodes", File.ReadAllText(Path.Combine(dir.Path, $"{h}-nova.conf")), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir.Path, $"{h}.restarted")), $"{h}: the restart handler did not run\n{apply.Output}");
        });
        Assert.Contains("cache='none'", domain.PersistentXml(), StringComparison.Ordinal);

        // When it runs again with nothing left to change
        foreach (var marker in Directory.GetFiles(dir.Path, "*.restarted"))
        {
            File.Delete(marker);
        }
        var again = Playbook(dir.Path, inventory, "apply.yml", "-e", "@" + vars);

        // Then nothing changes and nova-compute is not restarted
        Assert.True(again.ExitCode == 0, again.Output);
        AssertRecap(again.Output, "host-a", failed: 0, changedAtLeast: 0, changedAtMost: 0);
        AssertRecap(again.Output, "host-b", failed: 0, changedAtLeast: 0, changedAtMost: 0);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.restarted"));
    }

    private static string Version() =>
        System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

    /// <summary>Checks a host's PLAY RECAP line: <c>host-a : ok=5 changed=2 unreachable=0 failed=0 …</c>.</summary>
    private static void AssertRecap(string output, string host, int failed, int changedAtLeast = 0, int changedAtMost = int.MaxValue)
    {
        var recap = output[output.LastIndexOf("PLAY RECAP", StringComparison.Ordinal)..];
        var line = recap.Split('\n').Single(l => l.StartsWith(host + " ", StringComparison.Ordinal));
        int Field(string name) => int.Parse(System.Text.RegularExpressions.Regex.Match(line, name + "=([0-9]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Field("unreachable") == 0 && Field("failed") == failed, line);
        Assert.InRange(Field("changed"), changedAtLeast, changedAtMost);
    }

    private sealed record PlaybookRun(int ExitCode, string Output);

    private static PlaybookRun Playbook(string workDir, string inventory, string playbook, params string[] args)
    {
        var psi = new ProcessStartInfo("ansible-playbook") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Playbooks };
        foreach (var arg in new[] { "-i", inventory, Path.Combine(Playbooks, playbook) }.Concat(args))
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["ANSIBLE_NOCOLOR"] = "1";
        psi.Environment["ANSIBLE_HOST_KEY_CHECKING"] = "False";
        psi.Environment["ANSIBLE_RETRY_FILES_ENABLED"] = "False";
        psi.Environment["ANSIBLE_LOCAL_TEMP"] = Path.Combine(workDir, "ansible-local");
        psi.Environment["ANSIBLE_SSH_CONTROL_PATH_DIR"] = Path.Combine(workDir, "ansible-cp");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"ansible-playbook {playbook} did not finish in 10 minutes");
        }
        return new PlaybookRun(p.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr}");
        return stdout.Result;
    }
}
