using KvmTune.Core;
using KvmTune.Host.Devices;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Tests.Devices;

public class LvmSetupPlanTests
{
    // A fake lvm: records its argv, one line per call, and fails on the sub-command named in FAIL_ON.
    private static (string Script, string Log, DirectoryInfo Dir) FakeLvm(string? failOn = null)
    {
        var dir = Directory.CreateTempSubdirectory("kvmtune-fakelvm-");
        var log = Path.Combine(dir.FullName, "argv.log");
        var script = Path.Combine(dir.FullName, "lvm");
        File.WriteAllText(script, $"#!/bin/sh\necho \"$*\" >> '{log}'\n" + (failOn is null ? "" : $"[ \"$1\" = '{failOn}' ] && {{ echo 'simulated failure' >&2; exit 5; }}\n") + "exit 0\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (script, log, dir);
    }

    [Fact]
    public void The_procedure_is_pvcreate_then_vgcreate_on_the_named_device()
    {
        var (script, log, dir) = FakeLvm();
        try
        {
            var logged = new List<string>();

            new LvmSetupPlan("/dev/loop9", "nova-vg").Run(logged.Add, ToolRegistry.SearchingOnly(Path.GetDirectoryName(script)!));

            // Names come after "--": LVM never reads them as options.
            Assert.Equal(["pvcreate -- /dev/loop9", "vgcreate -- nova-vg /dev/loop9"], File.ReadAllLines(log));
            Assert.Equal(["$ pvcreate -- /dev/loop9", "$ vgcreate -- nova-vg /dev/loop9"], logged);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void A_failing_command_stops_the_sequence_with_its_stderr()
    {
        var (script, log, dir) = FakeLvm(failOn: "pvcreate");
        try
        {
            var e = Assert.Throws<LvmCommandException>(() => new LvmSetupPlan("/dev/loop9", "vg").Run(_ => { }, ToolRegistry.SearchingOnly(Path.GetDirectoryName(script)!)));

            Assert.Equal(5, e.ExitCode);
            Assert.Contains("simulated failure", e.Message, StringComparison.Ordinal);
            Assert.Equal(["pvcreate -- /dev/loop9"], File.ReadAllLines(log));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Theory]
    [InlineData("nova-vg", true)]
    [InlineData("vg_01.a+b", true)]
    [InlineData("-vg", false)]
    [InlineData("..", false)]
    [InlineData("my vg", false)]
    [InlineData("vg/x", false)]
    [InlineData("snapshot1", false)]
    [InlineData("", false)]
    public void Volume_group_names_follow_lvms_rules(string name, bool valid)
    {
        if (valid)
        {
            LvmSetupPlan.ValidateName(name);
        }
        else
        {
            Assert.Throws<InputException>(() => LvmSetupPlan.ValidateName(name));
        }
    }

    [Fact]
    public void Device_mapper_is_missing_when_neither_the_module_nor_the_control_node_exists()
    {
        var message = DeviceMapper.Missing("/nonexistent/dm_mod", "/nonexistent/control");

        Assert.Contains("device-mapper is not available", message, StringComparison.Ordinal);
        Assert.Null(DeviceMapper.Missing("/proc", "/nonexistent/control"));
    }
}
