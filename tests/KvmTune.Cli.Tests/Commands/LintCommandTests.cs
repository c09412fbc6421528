using System.Text.Json;

namespace KvmTune.Cli.Tests.Commands;

public class LintCommandTests
{
    // A block device with direct cache and native aio on virtio: no rule has anything to say.
    internal const string CleanDomain = """
        <domain type='kvm'>
          <name>clean</name>
          <devices>
            <disk type='block' device='disk'>
              <driver name='qemu' type='raw' cache='none' io='native'/>
              <source dev='/dev/vg0/clean'/>
              <target dev='vda' bus='virtio'/>
            </disk>
          </devices>
        </domain>
        """;

    // io='native' without a direct cache mode (KT001, error) on line 5.
    internal const string BrokenDomain = """
        <domain type='kvm'>
          <name>broken</name>
          <devices>
            <disk type='block' device='disk'>
              <driver name='qemu' type='raw' cache='writeback' io='native'/>
              <source dev='/dev/vg0/broken'/>
              <target dev='vdb' bus='virtio'/>
            </disk>
          </devices>
        </domain>
        """;

    private static string Corpus(string name) => Path.Combine(RepoPaths.LibvirtCorpus, name + ".xml");

    [Fact]
    public async Task Lint_help_lists_inputs_formats_and_strict()
    {
        var run = await CliRun.RunAsync(["lint", "--help"]);

        Assert.Equal(0, run.ExitCode);
        var help = run.Console + run.Out;
        Assert.Contains("--format", help, StringComparison.Ordinal);
        Assert.Contains("sarif", help, StringComparison.Ordinal);
        Assert.Contains("--strict", help, StringComparison.Ordinal);
        Assert.Contains("standard input", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_domain_exits_0_and_the_table_says_no_findings()
    {
        using var dir = new TempDir();
        var file = dir.Write("clean.xml", CleanDomain);

        var run = await CliRun.RunAsync(["lint", file]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("No findings in 1 domain.", run.Console, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Error_findings_exit_1_and_the_table_lists_code_disk_and_line()
    {
        // Given libvirt's disk-same-targets case: two more disks reuse target sda (KT006), which libvirt refuses
        var run = await CliRun.RunAsync(["lint", Corpus("disk-same-targets")]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("KT006", run.Console, StringComparison.Ordinal);
        Assert.Contains("2 errors", run.Console, StringComparison.Ordinal);
        Assert.Contains("domain QEMUGuest1", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warnings_alone_exit_0_but_1_with_strict()
    {
        // Given libvirt's disk-cache case: unsafe cache and emulated buses are warnings, no error
        var normal = await CliRun.RunAsync(["lint", Corpus("disk-cache")]);
        var strict = await CliRun.RunAsync(["lint", "--strict", Corpus("disk-cache")]);

        Assert.Equal(0, normal.ExitCode);
        Assert.Contains("0 errors, 4 warnings", normal.Console, StringComparison.Ordinal);
        Assert.Equal(1, strict.ExitCode);
    }

    [Fact]
    public async Task Json_output_has_the_documented_shape()
    {
        using var dir = new TempDir();
        var file = dir.Write("broken.xml", BrokenDomain);

        var run = await CliRun.RunAsync(["lint", "--format", "json", file]);

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var result = Assert.Single(json.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal(file, result.GetProperty("file").GetString());
        Assert.Equal("broken", result.GetProperty("domain").GetString());
        var findings = result.GetProperty("findings").EnumerateArray().ToList();
        var kt001 = Assert.Single(findings, f => f.GetProperty("code").GetString() == "KT001");
        Assert.Equal("error", kt001.GetProperty("severity").GetString());
        Assert.Equal("vdb", kt001.GetProperty("disk").GetString());
        Assert.Contains("io='native'", kt001.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, kt001.GetProperty("line").GetInt32());
        Assert.Equal("", run.Console);
    }

    [Fact]
    public async Task Standard_input_is_read_for_a_dash()
    {
        var run = await CliRun.RunAsync(["lint", "--format", "json", "-"], stdin: BrokenDomain);

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var result = Assert.Single(json.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal("<stdin>", result.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("file").ValueKind);
        Assert.Equal("broken", result.GetProperty("domain").GetString());
    }

    [Fact]
    public async Task A_directory_lints_every_xml_file_in_it_in_name_order()
    {
        using var dir = new TempDir();
        dir.Write("b.xml", BrokenDomain);
        dir.Write("a.xml", CleanDomain);
        dir.Write("notes.txt", "not a domain");

        var run = await CliRun.RunAsync(["lint", "--format", "json", dir.Path]);

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var domains = json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("domain").GetString()).ToList();
        Assert.Equal(["clean", "broken"], domains);
    }

    [Fact]
    public async Task Files_and_stdin_can_be_mixed()
    {
        using var dir = new TempDir();
        var file = dir.Write("clean.xml", CleanDomain);

        var run = await CliRun.RunAsync(["lint", "--format", "json", file, "-"], stdin: BrokenDomain);

        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(2, json.RootElement.GetProperty("results").GetArrayLength());
        Assert.Equal(1, run.ExitCode);
    }

    [Fact]
    public async Task The_whole_libvirt_corpus_lints_as_one_directory()
    {
        var run = await CliRun.RunAsync(["lint", "--format", "json", RepoPaths.LibvirtCorpus]);

        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(91, json.RootElement.GetProperty("results").GetArrayLength());
        Assert.Equal(91, json.RootElement.GetProperty("summary").GetProperty("domains").GetInt32());
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Malformed_xml_is_one_line_with_line_and_column_exit_2_and_nothing_written()
    {
        using var dir = new TempDir();
        var good = dir.Write("good.xml", CleanDomain);
        var bad = dir.Write("bad.xml", "<domain type='kvm'>\n  <name>x</name>\n  <devices>\n</domain>\n");

        var run = await CliRun.RunAsync(["lint", "--format", "json", good, bad]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Equal("", run.Console);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"kvmtune: {bad}:4:3: malformed XML", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<network><name>default</name></network>", "root element is <network>, expected <domain>")]
    [InlineData("", "malformed XML")]
    public async Task Input_that_is_not_a_domain_is_bad_input(string text, string expected)
    {
        var run = await CliRun.RunAsync(["lint", "-"], stdin: text);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.StartsWith("kvmtune: <stdin>:", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task A_missing_file_is_bad_input_naming_the_file()
    {
        var run = await CliRun.RunAsync(["lint", "/nonexistent/kvmtune/domain.xml"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("kvmtune: /nonexistent/kvmtune/domain.xml: no such file or directory" + Environment.NewLine, run.Error);
        Assert.Equal("", run.Console);
    }

    [Fact]
    public async Task An_unreadable_file_is_bad_input_naming_the_file()
    {
        // /proc/self/mem exists but read() at offset 0 fails with EIO: a real unreadable file, even for root.
        var run = await CliRun.RunAsync(["lint", "/proc/self/mem"]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("kvmtune: /proc/self/mem: cannot read:", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task A_directory_without_xml_is_bad_input()
    {
        using var dir = new TempDir();
        dir.Write("readme.txt", "nothing here");

        var run = await CliRun.RunAsync(["lint", dir.Path]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"kvmtune: {dir.Path}: directory has no *.xml file" + Environment.NewLine, run.Error);
    }

    [Theory]
    [InlineData(new[] { "lint", "--format", "xml", "x.xml" }, "--format xml: unknown format (table, json, sarif)")]
    [InlineData(new[] { "lint" }, "no input")]
    [InlineData(new[] { "lint", "-", "-" }, "standard input (-) can be read only once")]
    public async Task Usage_errors_exit_2_with_one_line(string[] args, string expected)
    {
        var run = await CliRun.RunAsync(args, stdin: CleanDomain);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", run.Out);
    }
}
