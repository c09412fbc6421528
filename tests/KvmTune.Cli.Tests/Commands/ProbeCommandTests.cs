using System.Text.Json;
using Spectre.Console.Testing;

namespace KvmTune.Cli.Tests.Commands;

public sealed class ProbeCommandTests
{
    private static async Task<(int Code, string Console, string Out, string Error)> Run(params string[] args)
    {
        var console = new TestConsole().Width(200);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await KvmTuneApp.RunAsync(args, new CliOutput(console, stdout, stderr));
        return (code, console.Output, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Probe_json_names_the_kernel_tools_and_accelerator_of_this_host()
    {
        // Given a scratch directory
        var dir = Directory.CreateTempSubdirectory("kvmtune-probe-").FullName;
        try
        {
            // When probe runs with --format json
            var (code, _, stdout, stderr) = await Run("probe", "--dir", dir, "--format", "json");

            // Then stdout is one JSON document with the live facts
            Assert.Equal(0, code);
            Assert.Equal("", stderr);
            using var json = JsonDocument.Parse(stdout);
            JsonKeys.AssertSnakeCase(stdout, "probe");
            Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), json.RootElement.GetProperty("kernel").GetString());
            Assert.Contains(json.RootElement.GetProperty("accelerator").GetString(), new[] { "kvm", "tcg" });
            var tools = json.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("tool").GetString()).ToList();
            Assert.Equal(["qemu-system-x86_64", "qemu-img", "qemu-storage-daemon", "libvirt", "fio"], tools);
            Assert.Equal(dir, json.RootElement.GetProperty("scratch_directory").GetString());
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Probe_table_shows_each_fact_on_the_console_and_nothing_on_stdout()
    {
        var dir = Directory.CreateTempSubdirectory("kvmtune-probe-").FullName;
        try
        {
            var (code, console, stdout, _) = await Run("probe", "--dir", dir);
            Assert.Equal(0, code);
            Assert.Equal("", stdout);
            Assert.Contains("qemu-img", console, StringComparison.Ordinal);
            Assert.Contains("accelerator", console, StringComparison.Ordinal);
            Assert.Contains("O_DIRECT (scratch)", console, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--format", "yaml", "--format yaml: unknown format (table, json)")]
    [InlineData("--dir", "/nonexistent/kvmtune", "--dir /nonexistent/kvmtune: no such directory")]
    [InlineData("--device", "/dev/kvmtune-no-such-disk", "--device /dev/kvmtune-no-such-disk: does not exist")]
    public async Task Bad_probe_options_are_one_line_and_exit_code_2(string option, string value, string message)
    {
        var (code, _, stdout, stderr) = await Run("probe", option, value);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"kvmtune: {message}\n", stderr);
    }
}
