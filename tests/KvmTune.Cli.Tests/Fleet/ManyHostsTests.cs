using System.Text.Json;
using KvmTune.Cli.Tests.Commands;
using KvmTune.Cli.Tests.Libvirt;

namespace KvmTune.Cli.Tests.Fleet;

/// <summary>
/// lint, explain and inspect over many libvirt hosts: URIs given with -c, an Ansible inventory with --hosts, the real
/// remote transport through the two sshd of scripts/test-services.sh, and a host that cannot be reached.
/// </summary>
public sealed class ManyHostsTests
{
    private const string Local = TestDomain.SystemUri;
    private const string Unreachable = "qemu+tcp://127.0.0.1:1/system";

    private static JsonElement Hosts(CliRun run)
    {
        using var json = JsonDocument.Parse(run.Out);
        return json.RootElement.GetProperty("hosts").Clone();
    }

    [Fact]
    public async Task Lint_over_two_uris_one_unreachable_reports_both_goes_on_and_exits_3()
    {
        // Given a domain with an error finding (KT004) on the reachable host
        // (a shareable disk with cache='writeback': libvirt's default for a shareable disk is none)
        using var domain = TestDomain.Define([new TestDomain.DiskSpec("vda", "raw", DriverExtra: "cache='writeback'", ElementExtra: "\n      <shareable/>")]);

        // When lint reads it from the reachable host and from a URI where nothing listens, in JSON and as a table
        var json = await CliRun.RunAsync(["lint", "-c", Unreachable, "-c", Local, "--domain", domain.Name, "--format", "json"]);
        var table = await CliRun.RunAsync(["lint", "-c", Unreachable, "-c", Local, "--domain", domain.Name]);

        // Then each host has its entry, in the order given: the first its reason, the second its findings
        Assert.True(json.ExitCode == 3, json.Error);
        var hosts = Hosts(json).EnumerateArray().ToList();
        Assert.Equal([Unreachable, Local], hosts.Select(h => h.GetProperty("uri").GetString()));
        Assert.Contains("cannot connect to libvirt", hosts[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, hosts[0].GetProperty("results").ValueKind);
        var result = Assert.Single(hosts[1].GetProperty("results").EnumerateArray());
        Assert.Contains(result.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "KT004");
        Assert.Equal(2, json.Out.Split("\"failed_hosts\": 1", StringSplitOptions.None).Length);
        // and the failure is one line on stderr; the table is grouped by host and closes with the count
        Assert.Contains("cannot connect to libvirt", Assert.Single(json.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal(3, table.ExitCode);
        Assert.Contains($"host {Unreachable}", table.Console, StringComparison.Ordinal);
        Assert.Contains("KT004", table.Console, StringComparison.Ordinal);
        Assert.Contains("2 hosts: 1 read, 1 failed", table.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ansible_inventory_of_two_ssh_hosts_is_linted_explained_and_inspected_through_qemu_ssh()
    {
        // Given a running domain, and a YAML inventory naming the two ssh "hosts" the way an operator would
        var services = TestServices.Load();
        using var domain = TestDomain.Define([new TestDomain.DiskSpec("vda", "raw", "cache='unsafe'")]);
        using (var conn = TestDomain.Connect())
        using (var dom = conn.LookupByName(domain.Name))
        {
            dom.Start();
        }
        using var dir = new TempDir();
        var (a, b) = (services.SshHosts[0], services.SshHosts[1]);
        var inventory = dir.Write("hosts.yml", $$"""
            all:
              vars:
                ansible_user: root
                ansible_ssh_private_key_file: {{services.SshKey}}
                ansible_host_key_checking: false
              children:
                compute:
                  hosts:
                    compute-a:
                      ansible_host: {{a.Address}}
                      ansible_port: {{a.Port}}
                    compute-b: { ansible_host: {{b.Address}}, ansible_port: {{b.Port}} }
            """);

        // When lint, explain and inspect read the domain from both hosts
        var lint = await CliRun.RunAsync(["lint", "--hosts", inventory, "--domain", domain.Name, "--format", "json"]);
        var explain = await CliRun.RunAsync(["explain", "--hosts", inventory, "--limit", "compute-b", "--domain", domain.Name, "--format", "json"]);
        var inspect = await CliRun.RunAsync(["inspect", "--hosts", inventory, "--domain", domain.Name, "--format", "json"]);

        // Then lint reaches both hosts through ssh, named as in the inventory, with the URIs built from its variables
        Assert.True(lint.ExitCode == 0, lint.Error);
        Commands.JsonKeys.AssertSnakeCase(lint.Out, "lint --hosts");
        Commands.JsonKeys.AssertSnakeCase(explain.Out, "explain --hosts");
        Commands.JsonKeys.AssertSnakeCase(inspect.Out, "inspect --hosts");
        var hosts = Hosts(lint).EnumerateArray().ToList();
        Assert.Equal(["compute-a", "compute-b"], hosts.Select(h => h.GetProperty("host").GetString()));
        Assert.Equal($"qemu+ssh://root@{a.Address}:{a.Port}/system?keyfile={services.SshKey}&no_verify=1", hosts[0].GetProperty("uri").GetString());
        Assert.All(hosts, h =>
        {
            var result = Assert.Single(h.GetProperty("results").EnumerateArray());
            Assert.Contains(result.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "KT010");
        });
        // explain reads only the limited host
        Assert.True(explain.ExitCode == 0, explain.Error);
        var explained = Assert.Single(Hosts(explain).EnumerateArray());
        Assert.Equal("unsafe", explained.GetProperty("results")[0].GetProperty("disks")[0].GetProperty("cache").GetProperty("value").GetString());
        // and inspect sees the domain run on both, saying the QEMU process is out of reach of a remote connection
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        Assert.All(Hosts(inspect).EnumerateArray(), h =>
        {
            var d = Assert.Single(h.GetProperty("domains").EnumerateArray());
            Assert.Equal("running", d.GetProperty("state").GetString());
            Assert.Contains("remote connection", d.GetProperty("qemu_note").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Lint_and_explain_honour_LIBVIRT_DEFAULT_URI_as_virsh_does()
    {
        // Given LIBVIRT_DEFAULT_URI naming the libvirtd behind the first sshd, and a domain there
        var services = TestServices.Load();
        using var domain = TestDomain.Define();
        using var cli = new KvmTuneProcess();
        var env = new Dictionary<string, string> { ["LIBVIRT_DEFAULT_URI"] = services.SshUri(0) };

        // When lint and explain name the domain by UUID with no --connect
        string uuid;
        using (var conn = TestDomain.Connect())
        using (var dom = conn.LookupByName(domain.Name))
        {
            uuid = dom.Uuid;
        }
        var lint = cli.Run(env, "lint", "--domain", uuid, "--format", "json");
        var explain = cli.Run(env, "explain", "--domain", domain.Name, "--format", "json");

        // Then both read it through that URI
        Assert.True(lint.ExitCode is 0 or 1, lint.ToString());
        using var lintJson = JsonDocument.Parse(lint.Out);
        var host = Assert.Single(lintJson.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.Equal(services.SshUri(0), host.GetProperty("uri").GetString());
        Assert.Equal(domain.Name, host.GetProperty("results")[0].GetProperty("domain").GetString());
        Assert.True(explain.ExitCode == 0, explain.ToString());
        Assert.Contains(services.SshUri(0), explain.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_domain_that_no_host_has_is_bad_input_but_one_host_lacking_it_is_not()
    {
        // Given a domain on this host, read through two URIs that reach it (local and ssh)
        var services = TestServices.Load();
        using var domain = TestDomain.Define();

        // When lint asks both for it and for a name nobody has
        var found = await CliRun.RunAsync(["lint", "-c", Local, "-c", services.SshUri(1), "--domain", domain.Name, "--format", "json"]);
        var missing = await CliRun.RunAsync(["lint", "-c", Local, "-c", services.SshUri(1), "--domain", "kvmtune-test-no-such-domain"]);

        // Then the first succeeds on both hosts and the second is one line, exit 2, nothing on stdout
        Assert.True(found.ExitCode is 0 or 1, found.Error);
        Assert.Equal(2, Hosts(found).GetArrayLength());
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no domain named 'kvmtune-test-no-such-domain'", Assert.Single(missing.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal("", missing.Out + missing.Console);
    }
}
