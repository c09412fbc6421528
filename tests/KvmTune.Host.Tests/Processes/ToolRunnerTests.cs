using System.Diagnostics;
using KvmTune.Host.Measurement;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Tests.Processes;

/// <summary>The runner against real tiny programs: /bin/sh scripts written to a temporary directory.</summary>
public sealed class ToolRunnerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-runner-");

    public void Dispose() => _dir.Delete(recursive: true);

    private ToolCommand Script(string body, params string[] arguments)
    {
        var path = Path.Combine(_dir.FullName, $"script-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, body);
        return ToolCommand.For("sh").WithArguments([path, .. arguments]);
    }

    [Fact]
    public async Task Exit_code_stdout_stderr_and_the_last_error_line_are_reported()
    {
        var result = await ToolRunner.RunAsync(Script("echo out; echo 'first problem' >&2; echo 'the real problem' >&2; exit 3\n"));

        Assert.Equal(3, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.False(result.TimedOut);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("the real problem", result.Message);
    }

    [Fact]
    public async Task Arguments_are_passed_as_they_are_without_a_shell()
    {
        var result = await ToolRunner.RunAsync(Script("for a in \"$@\"; do echo \"[$a]\"; done\n", "-x", "two words", "$HOME", ";rm -rf /"));

        Assert.Equal("[-x]\n[two words]\n[$HOME]\n[;rm -rf /]\n", result.StandardOutput);
    }

    [Fact]
    public async Task The_environment_has_lc_all_c_by_default_and_takes_changes()
    {
        var command = Script("echo \"LC_ALL=$LC_ALL X=$KVMTUNE_TEST_X HOME=${HOME-unset}\"\n");

        var plain = await ToolRunner.RunAsync(command);
        var changed = await ToolRunner.RunAsync(command.WithEnvironment("KVMTUNE_TEST_X", "y").WithEnvironment("HOME", null));

        Assert.Equal($"LC_ALL=C X= HOME={Environment.GetEnvironmentVariable("HOME")}\n", plain.StandardOutput);
        Assert.Equal("LC_ALL=C X=y HOME=unset\n", changed.StandardOutput);
    }

    [Fact]
    public async Task The_working_directory_is_the_one_given()
    {
        var result = await ToolRunner.RunAsync(Script("pwd\n").WithWorkingDirectory(_dir.FullName));

        Assert.Equal(_dir.FullName + "\n", result.StandardOutput);
    }

    [Fact]
    public async Task A_timeout_kills_the_process_and_its_children_and_says_so()
    {
        // Given a script that starts a child which would outlive it, and waits
        var childPid = Path.Combine(_dir.FullName, "child.pid");
        var command = Script($"sleep 300 & echo $! > '{childPid}'; wait\n").WithTimeout(TimeSpan.FromSeconds(1));

        // When the timeout runs out
        var clock = Stopwatch.StartNew();
        var result = await ToolRunner.RunAsync(command);

        // Then the result says so, soon, and the child is gone too
        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.Contains("timed out after 1 s", result.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        var child = int.Parse(File.ReadAllText(childPid).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(WaitUntilGone(child), $"child {child} still runs");
    }

    [Fact]
    public async Task Cancellation_kills_the_process_tree_and_throws()
    {
        var childPid = Path.Combine(_dir.FullName, "child.pid");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ToolRunner.RunAsync(Script($"sleep 300 & echo $! > '{childPid}'; wait\n"), cancel.Token));

        var child = int.Parse(File.ReadAllText(childPid).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(WaitUntilGone(child), $"child {child} still runs");
    }

    [Fact]
    public async Task A_program_started_in_a_cgroup_runs_there_from_its_first_instruction()
    {
        // Given a memory cgroup (v2, else v1) KvmTune creates as root
        using var cgroup = MemoryCgroup.TryCreate(256L << 20);
        Assert.NotNull(cgroup);

        // When a program starts in it
        var result = await ToolRunner.RunAsync(Script("cat /proc/self/cgroup; echo pid=$$\n").WithCgroup(cgroup.Path));

        // Then /proc/self/cgroup names the group
        Assert.True(result.Succeeded, result.StandardError);
        Assert.Contains("/" + Path.GetFileName(cgroup.Path) + "\n", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_program_is_one_line_naming_its_debian_package()
    {
        var nowhere = ToolRegistry.SearchingOnly(_dir.FullName);

        var e = await Assert.ThrowsAsync<MissingToolException>(() => ToolRunner.RunAsync(ToolCommand.For("fio").WithRegistry(nowhere)));

        Assert.Equal("fio not found: install the Debian package fio", e.Message);
        Assert.Equal("fio", e.Package);
    }

    [Fact]
    public void A_program_not_on_the_list_cannot_be_run()
    {
        Assert.Throws<ArgumentException>(() => ToolCommand.For("rm"));
        Assert.Throws<ArgumentException>(() => ToolCommand.For("/usr/sbin/lvm"));
        Assert.Throws<ArgumentException>(() => ToolRegistry.Default.Find("perl"));
    }

    [Fact]
    public async Task Stdout_can_go_to_a_stream_byte_for_byte()
    {
        using var output = new MemoryStream();

        var result = await ToolRunner.RunAsync(Script("printf '\\000\\001\\377'\n").WithStandardOutputTo(output));

        Assert.True(result.Succeeded);
        Assert.Equal(new byte[] { 0, 1, 255 }, output.ToArray());
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public void The_synchronous_form_gives_the_same_result()
    {
        var result = ToolRunner.Run(Script("echo sync; exit 4\n"));

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("sync\n", result.StandardOutput);
    }

    [Fact]
    public void A_command_is_immutable_and_shows_as_a_shell_line()
    {
        var plain = ToolCommand.For("qemu-img");
        var changed = plain.WithArguments(["info", "my disk.img"]).WithTimeout(TimeSpan.FromSeconds(5));

        Assert.Empty(plain.Arguments);
        Assert.Null(plain.Timeout);
        Assert.Equal("qemu-img info 'my disk.img'", changed.ToString());
    }

    private static bool WaitUntilGone(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            // A killed child may linger as a zombie until init reaps it: gone or a zombie both mean it no longer runs.
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(") ")[^1].StartsWith('Z'))
            {
                return true;
            }
            Thread.Sleep(50);
        }
        return false;
    }
}
