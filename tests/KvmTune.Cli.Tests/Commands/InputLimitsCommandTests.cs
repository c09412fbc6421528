using System.Text.Json;
using KvmTune.Core.Libvirt;
using KvmTune.Services.SelfBench;

namespace KvmTune.Cli.Tests.Commands;

/// <summary>What lint, explain and nova explain do with inputs that are too large, special, or spread over files.</summary>
public sealed class InputLimitsCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Lint_of_dev_zero_fails_fast_with_one_line_and_exit_2()
    {
        var run = await CliRun.RunAsync(["lint", "/dev/zero"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("kvmtune: /dev/zero: is a character device, not a regular file; a domain XML file must be a regular file\n", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Lint_sarif_from_stdin_gives_every_result_a_physical_location()
    {
        var run = await CliRun.RunAsync(["lint", "--format", "sarif", "-"], LintCommandTests.BrokenDomain);

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var results = json.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.All(results, r =>
        {
            var physical = r.GetProperty("locations")[0].GetProperty("physicalLocation");
            Assert.Equal("stdin", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
            Assert.Equal(4, physical.GetProperty("region").GetProperty("startLine").GetInt32());
        });
    }

    [Theory]
    [InlineData("qemu:///system/web01", "qemu:///system/web01")]
    [InlineData("qemu+ssh://root@host/system/my vm", "qemu+ssh://root@host/system/my%20vm")]
    [InlineData("<stdin>", "stdin")]
    public void A_domain_read_over_libvirt_is_located_by_its_uri_and_name(string label, string uri) =>
        Assert.Equal(uri, Reports.Lint.LintSarifExporter.InputUri(label));

    [Fact]
    public async Task Nova_explain_merges_several_conf_files_and_a_config_dir_later_ones_winning()
    {
        // Given nova.conf (qcow2), nova-compute.conf (lvm without a volume group) and a conf.d that adds the group
        var nova = _dir.Write("nova.conf", "[DEFAULT]\npreallocate_images = none\n[libvirt]\nimages_type = qcow2\n");
        var compute = _dir.Write("nova-compute.conf", "[libvirt]\nimages_type = lvm\n");
        var confd = Path.Combine(_dir.Path, "nova.conf.d");
        Directory.CreateDirectory(confd);
        File.WriteAllText(Path.Combine(confd, "20-vg.conf"), "[libvirt]\nimages_volume_group = vg_nova\n");
        File.WriteAllText(Path.Combine(confd, "10-first.conf"), "[libvirt]\nimages_volume_group = wrong\n");
        File.WriteAllText(Path.Combine(confd, ".hidden.conf"), "[libvirt]\nimages_type = raw\n");

        // When nova explain reads them all
        var run = await CliRun.RunAsync(["nova", "explain", "--conf", nova, "--conf", compute, "--config-dir", confd, "--format", "json"]);

        // Then images_type comes from the second file and the volume group from the last conf.d file; no KN003
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal("lvm", root.GetProperty("images_type").GetString());
        Assert.Equal([nova, compute, Path.Combine(confd, "10-first.conf"), Path.Combine(confd, "20-vg.conf")],
            root.GetProperty("conf_files").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(root.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "KN003");
    }

    [Fact]
    public async Task Nova_explain_names_the_file_and_line_of_a_finding_in_a_later_file()
    {
        var nova = _dir.Write("nova.conf", "[libvirt]\nimages_type = qcow2\n");
        var compute = _dir.Write("nova-compute.conf", "[DEFAULT]\n\n[libvirt]\nimages_type = lvm\n");

        var run = await CliRun.RunAsync(["nova", "explain", "--conf", nova, "--conf", compute]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{compute}:4: KN003 error", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nova_conf_parse_error_does_not_show_the_line_that_may_hold_a_password()
    {
        // A value broken over two lines without indentation: the second line is refused, and it holds the password.
        var nova = _dir.Write("nova.conf", "[database]\nconnection = mysql+pymysql://nova\nPa55w0rd@db/nova\n");

        var run = await CliRun.RunAsync(["nova", "explain", "--conf", nova]);

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("Pa55w0rd", run.Error, StringComparison.Ordinal);
        Assert.StartsWith($"kvmtune: {nova}:3: no ':' or '=' found", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void The_scale_benchmark_builds_one_domain_with_as_many_disks_each_with_its_own_target()
    {
        var disks = new[]
        {
            "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/a'/><target dev='hda' bus='ide'/></disk>",
            "<disk type='block' device='disk'><source dev='/dev/b'/><target dev=\"vdz\" bus='virtio'/></disk>",
        };

        var document = DomainDocument.Parse(LintScaleBenchmark.OneDomain(disks, 5), "scale.xml");

        Assert.Equal(["vd0", "vd1", "vd2", "vd3", "vd4"], document.Disks.Select(d => d.TargetDev));
    }
}
