namespace KvmTune.Cli.Tests;

public class VersionCommandTests
{
    [Fact]
    public async Task Unknown_command_is_bad_input_with_exit_code_2()
    {
        var code = await KvmTuneApp.RunAsync(["no-such-command"]);
        Assert.Equal(2, code);
    }
}
