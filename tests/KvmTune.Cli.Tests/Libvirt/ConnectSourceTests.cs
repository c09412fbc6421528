using System.Text.Json;
using KvmTune.Cli.Tests.Commands;

namespace KvmTune.Cli.Tests.Libvirt;

/// <summary><c>lint --connect</c> and <c>explain --connect</c> over test domains in the real libvirtd.</summary>
public sealed class ConnectSourceTests
{
    private const string Uri = TestDomain.SystemUri;

    [Fact]
    public async Task Lint_over_a_connection_reads_the_named_domain_and_exits_1_on_its_error_findings()
    {
        // Given a domain with a shareable disk with cache='writeback' (KT004, error)
        using var domain = TestDomain.Define([new TestDomain.DiskSpec("vda", "raw", "cache='writeback'", ElementExtra: "\n      <shareable/>")]);

        // When lint reads it over the connection
        var run = await CliRun.RunAsync(["lint", "--connect", Uri, "--domain", domain.Name, "--format", "json"]);

        // Then the JSON names the domain and the finding on vda
        Assert.True(run.ExitCode == 1, run.Error + run.Console);
        using var json = JsonDocument.Parse(run.Out);
        var host = Assert.Single(json.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.Equal(Uri, host.GetProperty("uri").GetString());
        var result = Assert.Single(host.GetProperty("results").EnumerateArray());
        Assert.Equal(domain.Name, result.GetProperty("domain").GetString());
        Assert.Contains(result.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("code").GetString() == "KT004" && f.GetProperty("disk").GetString() == "vda" && f.GetProperty("severity").GetString() == "error");
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Lint_over_a_connection_uses_the_hosts_qemu_and_libvirt_versions_where_a_file_knows_none()
    {
        // Given a domain with io='io_uring' (KT005 needs the host's QEMU and libvirt versions)
        using var domain = TestDomain.Define([new TestDomain.DiskSpec("vda", "raw", "cache='none' io='io_uring'")]);
        using var dir = new TempDir();
        var file = dir.Write("dumped.xml", domain.PersistentXml());

        // When the same definition is linted as a file and over the connection
        var fromFile = await CliRun.RunAsync(["lint", file, "--format", "json"]);
        var fromConnection = await CliRun.RunAsync(["lint", "--connect", Uri, "--domain", domain.Name, "--format", "json"]);

        // Then the file says the versions are unknown and the connection (QEMU 7.2, libvirt 9.0 here) has no KT005
        Assert.Contains("\"KT005\"", fromFile.Out, StringComparison.Ordinal);
        Assert.Contains("unknown", fromFile.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\"KT005\"", fromConnection.Out, StringComparison.Ordinal);
        Assert.Equal(0, fromConnection.ExitCode);
    }

    [Fact]
    public async Task Lint_all_over_a_connection_includes_every_defined_domain()
    {
        using var first = TestDomain.Define();
        using var second = TestDomain.Define();

        var run = await CliRun.RunAsync(["lint", "--connect", Uri, "--all", "--format", "json"]);

        Assert.True(run.ExitCode is 0 or 1, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var names = json.RootElement.GetProperty("hosts")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("domain").GetString()).ToList();
        Assert.Contains(first.Name, names);
        Assert.Contains(second.Name, names);
    }

    [Fact]
    public async Task Explain_over_a_connection_explains_each_disk_of_the_domain()
    {
        using var domain = TestDomain.Define([new TestDomain.DiskSpec("vda", "qcow2"), new TestDomain.DiskSpec("vdb", "raw", "cache='none' io='native'")]);

        var run = await CliRun.RunAsync(["explain", "--connect", Uri, "--domain", domain.Name, "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var result = Assert.Single(json.RootElement.GetProperty("hosts")[0].GetProperty("results").EnumerateArray());
        Assert.Equal(domain.Name, result.GetProperty("domain").GetString());
        Assert.Equal($"{Uri}/{domain.Name}", result.GetProperty("file").GetString());
        var disks = result.GetProperty("disks").EnumerateArray().ToList();
        Assert.Equal(["vda", "vdb"], disks.Select(d => d.GetProperty("disk").GetString()));
        var vdb = disks[1];
        Assert.Equal("none", vdb.GetProperty("cache").GetProperty("value").GetString());
        Assert.True(vdb.GetProperty("qemu").GetProperty("cache_direct").GetBoolean());
        Assert.Equal("native", vdb.GetProperty("qemu").GetProperty("aio").GetString());
    }

    [Theory]
    [InlineData("lint", "--connect", "qemu+tcp://127.0.0.1:1/system", "--all")]
    [InlineData("explain", "--connect", "qemu+tcp://127.0.0.1:1/system", "--domain", "x")]
    [InlineData("lint", "--connect", "qemu:///system?socket=/nonexistent/libvirt-sock", "--domain", "x")]
    public async Task An_unreachable_uri_is_one_line_and_exit_3(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(3, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot connect to libvirt", line, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("no domain named 'kvmtune-test-no-such-domain'", "lint", "--connect", Uri, "--domain", "kvmtune-test-no-such-domain")]
    [InlineData("no domain named 'kvmtune-test-no-such-domain'", "explain", "--connect", Uri, "--domain", "kvmtune-test-no-such-domain")]
    [InlineData("give no files with them", "lint", "--connect", Uri, "--all", "some.xml")]
    [InlineData("give no files with them", "lint", "--all", "some.xml")]
    [InlineData("--domain NAME (one or more) or --all", "lint", "--connect", Uri)]
    [InlineData("--domain NAME (one or more) or --all", "explain", "--connect", Uri, "--all", "--domain", "x")]
    [InlineData("--domain NAME (one or more) or --all, not both", "lint", "--all", "--domain", "x")]
    [InlineData("no input: give domain XML files", "lint")]
    [InlineData("--limit selects hosts of --hosts FILE", "lint", "--limit", "compute", "--all")]
    [InlineData("--hosts /nonexistent/inventory: no such file", "lint", "--hosts", "/nonexistent/inventory", "--all")]
    public async Task Bad_connection_options_are_one_line_and_exit_2(string expected, params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }
}
