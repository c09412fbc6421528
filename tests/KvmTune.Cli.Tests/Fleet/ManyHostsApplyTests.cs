using System.Text.Json;
using KvmTune.Cli.Tests.Commands;
using KvmTune.Cli.Tests.Libvirt;
using KvmTune.Core.Fleet;
using KvmTune.Core.Libvirt;
using KvmTune.Host.Libvirt;
using KvmTune.Services.Applying;
using KvmTune.Services.Fleet;

namespace KvmTune.Cli.Tests.Fleet;

/// <summary>
/// <c>kvmtune apply</c> over many hosts through libvirt's real ssh transport (the two sshd of scripts/test-services.sh,
/// both reaching this machine's libvirtd) and a host that cannot be reached: every host planned first, written one
/// after the other, stopped at the first host whose write or verify fails, and the hosts changed named.
/// </summary>
public sealed class ManyHostsApplyTests : IDisposable
{
    private const string NoneNative = """{"version":1,"disks":{"file":{"cache":"none","io":"native"}}}""";
    private const string Unreachable = "qemu+tcp://127.0.0.1:1/system";

    private readonly KvmTuneProcess _cli = new();
    private readonly TempDir _dir = new();
    private readonly TestServices _services = TestServices.Load();

    public void Dispose()
    {
        _cli.Dispose();
        _dir.Dispose();
    }

    private static string? VdaCache(TestDomain domain) =>
        DomainDocument.Parse(domain.PersistentXml()).Disks.Single(d => d.TargetDev == "vda").Driver.Cache;

    private static List<JsonElement> Hosts(ProcessRun run)
    {
        using var json = JsonDocument.Parse(run.Out);
        return [.. json.RootElement.GetProperty("hosts").EnumerateArray().Select(h => h.Clone())];
    }

    [Fact]
    public void A_dry_run_plans_every_reachable_host_and_a_write_goes_host_by_host_naming_the_hosts_changed()
    {
        // Given a domain reached through two ssh hosts, with an unreachable host between them
        using var domain = TestDomain.Define();
        var (a, b) = (_services.SshUri(0), _services.SshUri(1));
        var policy = _dir.Write("policy.json", NoneNative);
        string[] hosts = ["-c", a, "-c", Unreachable, "-c", b];

        // When apply runs as a dry run (JSON), then with --yes (table)
        var dry = _cli.Run(["apply", .. hosts, "--policy", policy, "--domain", domain.Name, "--format", "json"]);
        var cachedBefore = VdaCache(domain);
        var written = _cli.Run(["apply", .. hosts, "--policy", policy, "--domain", domain.Name, "--yes"]);

        // Then the dry run plans both reachable hosts, reports the unreachable one, writes nothing and exits 3
        Assert.True(dry.ExitCode == 3, dry.ToString());
        Commands.JsonKeys.AssertSnakeCase(dry.Out, "apply over hosts (dry run)");
        var planned = Hosts(dry);
        Assert.Equal([a, Unreachable, b], planned.Select(h => h.GetProperty("uri").GetString()));
        Assert.Equal(["planned", "failed", "planned"], planned.Select(h => h.GetProperty("status").GetString()));
        Assert.Contains("cannot connect to libvirt", planned[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("planned", planned[0].GetProperty("results")[0].GetProperty("status").GetString());
        Assert.Null(cachedBefore);
        // and the write changes the domain through the first host; the second finds nothing left to change
        Assert.True(written.ExitCode == 3, written.ToString());
        Assert.Equal("none", VdaCache(domain));
        Assert.Contains($"3 hosts: changed {a}; unchanged {b}; failed {Unreachable}.", written.Text, StringComparison.Ordinal);
        Assert.Contains("cannot connect to libvirt", Assert.Single(written.ErrLines), StringComparison.Ordinal);
        Assert.Contains($"host {b}", written.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_whose_write_fails_stops_the_apply_and_the_hosts_after_it_are_not_attempted()
    {
        // Given a data directory where no backup can be saved (a file stands where the backups directory goes)
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();
        Directory.CreateDirectory(Path.Combine(_cli.DataHome, "kvmtune"));
        File.WriteAllText(Path.Combine(_cli.DataHome, "kvmtune", "backups"), "not a directory");

        // When apply --yes runs over two hosts
        var run = _cli.Run("apply", "-c", _services.SshUri(0), "-c", _services.SshUri(1), "--policy", _dir.Write("policy.json", NoneNative),
            "--domain", domain.Name, "--yes", "--format", "json");

        // Then the first host fails (nothing written there), the second is not attempted, and the summary says so
        Assert.True(run.ExitCode == 3, run.ToString());
        var hosts = Hosts(run);
        Assert.Equal(["failed", "not-attempted"], hosts.Select(h => h.GetProperty("status").GetString()));
        Assert.Equal("not-written", hosts[0].GetProperty("results")[0].GetProperty("status").GetString());
        using var json = JsonDocument.Parse(run.Out);
        var summary = json.RootElement.GetProperty("summary");
        Assert.Equal(_services.SshUri(0), summary.GetProperty("stopped_at").GetString());
        Assert.Equal(0, summary.GetProperty("changed_hosts").GetArrayLength());
        Assert.Equal([_services.SshUri(1)], summary.GetProperty("not_attempted_hosts").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(run.ErrLines, l => l.Contains("cannot save a backup", StringComparison.Ordinal));
        Assert.Contains(run.ErrLines, l => l.StartsWith($"kvmtune: stopped at host {_services.SshUri(0)}: not attempted: {_services.SshUri(1)}", StringComparison.Ordinal));
        Assert.Equal(before, domain.PersistentXml());
    }

    [Fact]
    public void A_verify_that_fails_on_one_host_restores_it_and_stops_before_the_next()
    {
        // Given two hosts and a writer that, on the first, defines a definition other than the one planned
        // (cache='directsync' where the plan says none), so the read-back does not verify
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();
        var hosts = new[] { _services.SshUri(0), _services.SshUri(1) };
        var backups = new DomainBackupStore(_dir.Path);
        DomainDefinitionWriter WriterFor(HostTarget host) => host.Uri == hosts[0]
            ? new DomainDefinitionWriter(backups, hooks: new ReplaceHooks(BeforeDefine: xml => xml.Replace("cache='none'", "cache='directsync'", StringComparison.Ordinal)))
            : new DomainDefinitionWriter(backups);

        // When the policy is applied over both
        var result = FleetApplyService.Run(new FleetApplyRequest(PolicyFiles.Read(_dir.Write("policy.json", NoneNative)),
            new HostQuery(hosts, null, [], [domain.Name], All: false), Write: true, Restart: false, TimeSpan.Zero), WriterFor);

        // Then the first host's domain is restored, the apply stops there and the second host is never written
        Assert.Equal([HostApplyStatus.Failed, HostApplyStatus.NotAttempted], result.Hosts.Select(h => h.Status));
        Assert.Equal(DomainApplyStatus.Restored, Assert.Single(result.Hosts[0].Result!.Domains).Status);
        Assert.Equal(hosts[0], result.StoppedAt!.Uri);
        Assert.Empty(result.ChangedHosts);
        Assert.Contains("not attempted: the apply stopped at host", result.Hosts[1].Error, StringComparison.Ordinal);
        Assert.Equal(before, domain.PersistentXml());
    }

    [Fact]
    public void A_policy_refused_on_any_host_writes_nothing_anywhere()
    {
        // Given a policy asking for io='native' with the host page cache (KT001), and two hosts
        using var domain = TestDomain.Define();
        var before = domain.PersistentXml();

        var run = _cli.Run("apply", "-c", _services.SshUri(0), "-c", _services.SshUri(1), "--domain", domain.Name, "--yes",
            "--policy", _dir.Write("policy.json", """{"version":1,"disks":{"file":{"cache":"writeback","io":"native"}}}"""));

        // Then one line naming the host and the rule, exit 2, the domain unchanged and no backup
        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.ErrLines);
        Assert.StartsWith("kvmtune: host qemu+ssh://", line, StringComparison.Ordinal);
        Assert.Contains("KT001", line, StringComparison.Ordinal);
        Assert.Equal(before, domain.PersistentXml());
        Assert.False(Directory.Exists(Path.Combine(_cli.DataHome, "kvmtune", "backups")));
    }

    [Fact]
    public void A_domain_no_host_has_is_bad_input_and_nothing_is_written()
    {
        using var domain = TestDomain.Define();
        var run = _cli.Run("apply", "-c", _services.SshUri(0), "-c", _services.SshUri(1), "--domain", domain.Name,
            "--domain", "kvmtune-test-no-such-domain", "--yes", "--policy", _dir.Write("policy.json", NoneNative));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("no domain named 'kvmtune-test-no-such-domain'", Assert.Single(run.ErrLines), StringComparison.Ordinal);
        Assert.Null(VdaCache(domain));
    }
}
