using Spectre.Console.Testing;

namespace KvmTune.Cli.Tests;

public class GuestCheckCommandTests
{
    [Theory]
    [InlineData("--cache writeback --aio native", "--cache writeback --aio native cannot start (KT001: io='native' needs cache='none' or 'directsync')")]
    [InlineData("--cache sometimes", "--cache 'sometimes': not a libvirt cache mode (none, writeback, writethrough, directsync, unsafe)")]
    [InlineData("--launcher xen", "--launcher 'xen': use auto, libvirt or qemu")]
    [InlineData("--profile randread-1m", "--profile 'randread-1m': unknown (one of randread-4k-qd32, randwrite-4k-qd32, seqread-1m-qd8, seqwrite-1m-qd8, syncwrite-4k-qd1, mixed-4k-70r-qd16)")]
    [InlineData("--kernel /nonexistent/vmlinuz", "--kernel '/nonexistent/vmlinuz': no such file")]
    public async Task Bad_input_is_one_line_exit_2_and_boots_nothing(string arguments, string message)
    {
        // Given a guest check with a bad option
        var console = new TestConsole();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // When it runs
        var code = await KvmTuneApp.RunAsync(["guest-check", .. arguments.Split(' ')], new CliOutput(console, stdout, stderr));

        // Then it says what is wrong on one line, exits 2 and wrote nothing to stdout
        Assert.Equal(2, code);
        Assert.Equal($"kvmtune: {message}\n", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }
}
