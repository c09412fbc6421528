using System.Text.Json;
using KvmTune.Cli.Tests.Commands;
using KvmTune.Host.Libvirt;

namespace KvmTune.Cli.Tests.Libvirt;

/// <summary><c>kvmtune inspect</c> on a test domain running under TCG in the real libvirtd.</summary>
public sealed class InspectCommandTests
{
    private const string Uri = TestDomain.SystemUri;

    private static JsonElement OnlyDomain(CliRun run, int exitCode = 0)
    {
        Assert.True(run.ExitCode == exitCode, run.Error + run.Console);
        using var json = JsonDocument.Parse(run.Out);
        Commands.JsonKeys.AssertSnakeCase(run.Out, "inspect");
        var host = Assert.Single(json.RootElement.GetProperty("hosts").EnumerateArray());
        return Assert.Single(host.GetProperty("domains").EnumerateArray()).Clone();
    }

    private static JsonElement Disk(JsonElement domain, string dev) =>
        domain.GetProperty("disks").EnumerateArray().Single(d => d.GetProperty("disk").GetString() == dev);

    [Fact]
    public async Task A_definition_changed_while_running_shows_drift_against_the_real_qemu_process_until_a_cold_restart()
    {
        // Given a running domain (vda without cache/io, vdb cache='none' io='native')
        using var domain = TestDomain.Define([new TestDomain.DiskSpec("vda"), new TestDomain.DiskSpec("vdb", "raw", "cache='none' io='native'")]);
        using var conn = TestDomain.Connect();
        using var dom = conn.LookupByName(domain.Name);
        dom.Start();

        // When its persistent definition changes vda to cache='none' io='native'
        using (conn.DefineXml(dom.PersistentXml.Replace("type='qcow2'/>", "type='qcow2' cache='none' io='native'/>", StringComparison.Ordinal)))
        {
        }
        var before = OnlyDomain(await CliRun.RunAsync(["inspect", "--connect", Uri, "--domain", domain.Name, "--format", "json"]), exitCode: 1);

        // Then inspect reads libvirt's pid and QEMU's command line, flags vda's drift but not vdb's, and exits 1 for it
        Assert.Equal(QemuProcess.Pid(domain.Name), before.GetProperty("pid").GetInt32());
        var vda = Disk(before, "vda");
        Assert.Equal("none", vda.GetProperty("persistent").GetProperty("cache").GetString());
        Assert.Equal(JsonValueKind.Null, vda.GetProperty("live").GetProperty("cache").ValueKind);
        Assert.False(vda.GetProperty("qemu").GetProperty("cache_direct").GetBoolean());
        Assert.Equal("threads", vda.GetProperty("qemu").GetProperty("aio").GetString());
        var drift = vda.GetProperty("drift").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("persistent cache='none' but QEMU runs cache.direct=off: cold restart needed", drift);
        Assert.Contains("persistent io='native' but QEMU runs aio=threads: cold restart needed", drift);
        Assert.True(vda.GetProperty("cold_restart_needed").GetBoolean());
        var vdb = Disk(before, "vdb");
        Assert.True(vdb.GetProperty("qemu").GetProperty("cache_direct").GetBoolean());
        Assert.Equal("native", vdb.GetProperty("qemu").GetProperty("aio").GetString());
        Assert.Empty(vdb.GetProperty("drift").EnumerateArray());

        // When the domain is cold-restarted
        dom.Destroy();
        dom.Start();
        var after = OnlyDomain(await CliRun.RunAsync(["inspect", "--connect", Uri, "--domain", domain.Name, "--format", "json"]));

        // Then QEMU runs the persistent settings and nothing drifts
        var vdaAfter = Disk(after, "vda");
        Assert.True(vdaAfter.GetProperty("qemu").GetProperty("cache_direct").GetBoolean());
        Assert.Equal("native", vdaAfter.GetProperty("qemu").GetProperty("aio").GetString());
        Assert.All(after.GetProperty("disks").EnumerateArray(), d => Assert.Empty(d.GetProperty("drift").EnumerateArray()));

        // And the table names the drift-free disks too
        var table = await CliRun.RunAsync(["inspect", "--connect", Uri, "--domain", domain.Name]);
        Assert.Contains(domain.Name, table.Console, StringComparison.Ordinal);
        Assert.Contains("cache.direct=on", table.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_domain_inspect_lists_running_domains_only()
    {
        using var running = TestDomain.Define();
        using var stopped = TestDomain.Define();
        using (var conn = TestDomain.Connect())
        using (var dom = conn.LookupByName(running.Name))
        {
            dom.Start();
        }

        var run = await CliRun.RunAsync(["inspect", "--connect", Uri, "--format", "json"]);

        // Other tests' domains may drift at the same time: 0 or 1, never a failure
        Assert.True(run.ExitCode is 0 or 1, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var names = json.RootElement.GetProperty("hosts")[0].GetProperty("domains").EnumerateArray().Select(d => d.GetProperty("domain").GetString()).ToList();
        Assert.Contains(running.Name, names);
        Assert.DoesNotContain(stopped.Name, names);
    }

    [Fact]
    public async Task A_named_domain_that_is_shut_off_is_reported_as_not_running()
    {
        using var domain = TestDomain.Define();

        var report = OnlyDomain(await CliRun.RunAsync(["inspect", "--connect", Uri, "--domain", domain.Name, "--format", "json"]));

        Assert.False(report.GetProperty("running").GetBoolean());
        Assert.Equal("shut off", report.GetProperty("state").GetString());
        Assert.Contains("not running", report.GetProperty("qemu_note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paused_domain_is_shown_as_paused_and_found_by_uuid_and_by_id()
    {
        // Given a running domain that is then paused
        using var domain = TestDomain.Define();
        using var conn = TestDomain.Connect();
        using var dom = conn.LookupByName(domain.Name);
        dom.Start();
        dom.Suspend();
        Assert.Equal(DomainState.Paused, dom.State);

        // When inspect names it by UUID, then by id (as virsh takes them)
        var byUuid = OnlyDomain(await CliRun.RunAsync(["inspect", "-c", Uri, "--domain", dom.Uuid, "--format", "json"]));
        var byId = OnlyDomain(await CliRun.RunAsync(["inspect", "-c", Uri, "--domain", dom.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "json"]));
        var table = await CliRun.RunAsync(["inspect", "-c", Uri, "--domain", domain.Name]);

        // Then both find it, and it is paused, not running, in JSON and in the table
        Assert.Equal(domain.Name, byUuid.GetProperty("domain").GetString());
        Assert.Equal(domain.Name, byId.GetProperty("domain").GetString());
        Assert.Equal("paused", byUuid.GetProperty("state").GetString());
        Assert.Contains($"{domain.Name} paused", table.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_host_is_reported_with_exit_3_and_the_other_host_is_still_inspected()
    {
        // Given a running domain on the reachable host and a URI where no libvirt listens
        using var domain = TestDomain.Define();
        using (var conn = TestDomain.Connect())
        using (var dom = conn.LookupByName(domain.Name))
        {
            dom.Start();
        }

        // When inspect reads both
        var run = await CliRun.RunAsync(["inspect", "-c", "qemu+tcp://127.0.0.1:1/system", "-c", Uri, "--domain", domain.Name, "--format", "json"]);

        // Then the unreachable host has its reason, the other its domain, and the exit code is 3
        Assert.True(run.ExitCode == 3, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var hosts = json.RootElement.GetProperty("hosts").EnumerateArray().ToList();
        Assert.Contains("cannot connect to libvirt", hosts[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(domain.Name, Assert.Single(hosts[1].GetProperty("domains").EnumerateArray()).GetProperty("domain").GetString());
        Assert.Contains("cannot connect to libvirt", Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no domain named 'kvmtune-test-no-such-domain'", "inspect", "--connect", Uri, "--domain", "kvmtune-test-no-such-domain")]
    [InlineData("--format xml: unknown format (table, json)", "inspect", "--format", "xml")]
    public async Task Bad_input_is_one_line_and_exit_2(string expected, params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }
}
