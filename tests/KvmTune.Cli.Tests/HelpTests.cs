using Spectre.Console.Testing;

namespace KvmTune.Cli.Tests;

public class HelpTests
{
    [Theory]
    [InlineData("apply")]
    [InlineData("bench")]
    [InlineData("explain")]
    [InlineData("fleet", "collect")]
    [InlineData("fleet", "report")]
    [InlineData("guest-check")]
    [InlineData("history")]
    [InlineData("inspect")]
    [InlineData("lint")]
    [InlineData("nova", "apply")]
    [InlineData("nova", "explain")]
    [InlineData("nova", "lvm-setup")]
    [InlineData("nova", "patch")]
    [InlineData("nova", "pending")]
    [InlineData("nova", "set")]
    [InlineData("probe")]
    [InlineData("report")]
    [InlineData("rollback")]
    [InlineData("selfbench", "fleet")]
    [InlineData("selfbench", "lint")]
    [InlineData("show")]
    [InlineData("tune")]
    [InlineData("version")]
    public async Task Every_command_prints_its_help_with_every_option(params string[] command)
    {
        // Given a command's --help (option descriptions are Spectre markup, so a stray bracket would throw)
        var console = new TestConsole();
        console.Profile.Width = 200;
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        // When it is asked for
        var code = await KvmTuneApp.RunAsync([.. command, "--help"], new CliOutput(console, stdout, stderr));

        // Then it exits 0 and prints usage
        Assert.Equal(0, code);
        Assert.Contains("USAGE:", console.Output, StringComparison.Ordinal);
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public async Task The_nova_branch_lists_patch_and_pending()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        var code = await KvmTuneApp.RunAsync(["nova", "--help"], new CliOutput(console, new StringWriter(), new StringWriter()));
        Assert.Equal(0, code);
        Assert.Contains("Make the installed nova honour [libvirt] disk_io_modes", console.Output, StringComparison.Ordinal);
        Assert.Contains("pending", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_level_help_lists_the_main_job()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        var code = await KvmTuneApp.RunAsync(["--help"], new CliOutput(console, new StringWriter(), new StringWriter()));
        Assert.Equal(0, code);
        Assert.Contains("tune", console.Output, StringComparison.Ordinal);
        Assert.Contains("lint", console.Output, StringComparison.Ordinal);
    }
}

public class OutputWidthTests
{
    [Theory]
    [InlineData("120", 120)]
    [InlineData(null, CliOutput.RedirectedWidth)]
    [InlineData("abc", CliOutput.RedirectedWidth)]
    [InlineData("5", CliOutput.RedirectedWidth)]
    public void Redirected_tables_take_COLUMNS_or_a_wide_default(string? columns, int expected)
    {
        Assert.Equal(expected, CliOutput.Width(columns, CliOutput.RedirectedWidth));
    }
}
