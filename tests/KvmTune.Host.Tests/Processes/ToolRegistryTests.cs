using KvmTune.Core;
using KvmTune.Host.Devices;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Tests.Processes;

public sealed class ToolRegistryTests
{
    [Theory]
    [InlineData("fio", "fio")]
    [InlineData("qemu-img", "qemu-utils")]
    [InlineData("qemu-system-x86_64", "qemu-system-x86")]
    [InlineData("losetup", "mount")]
    [InlineData("lvm", "lvm2")]
    [InlineData("virsh", "libvirt-clients")]
    [InlineData("xz", "xz-utils")]
    [InlineData("dpkg-query", "dpkg")]
    [InlineData("python3", "python3-minimal")]
    public void Each_program_maps_to_its_debian_package(string program, string package) =>
        Assert.Equal(package, ToolRegistry.PackageOf(program));

    [Theory]
    [InlineData("fio")]
    [InlineData("qemu-img")]
    [InlineData("losetup")]
    [InlineData("blkid")]
    public void Installed_programs_are_found_by_absolute_path(string program)
    {
        var path = ToolRegistry.Default.Find(program);

        Assert.NotNull(path);
        Assert.True(Path.IsPathRooted(path));
    }

    [Fact]
    public void A_missing_program_is_bad_input_naming_the_debian_package()
    {
        var e = Assert.Throws<MissingToolException>(() => ToolRegistry.SearchingOnly("/nonexistent").Require("qemu-img"));

        Assert.IsAssignableFrom<InputException>(e);
        Assert.Equal("qemu-img not found: install the Debian package qemu-utils", e.Message);
        Assert.Equal("missing (Debian package qemu-utils)", ToolRegistry.Missing("qemu-img"));
    }

    [Fact]
    public void Python3_is_debians_usr_bin_python3_whatever_python3_comes_first_on_path()
    {
        // Given a python3 earlier on PATH (pyenv, a venv, /usr/local: none of them has python3-nova)
        using var dir = new TempDirectory();
        var marker = Path.Combine(dir.Path, "ran");
        var fake = Path.Combine(dir.Path, "python3");
        File.WriteAllText(fake, $"#!/bin/sh\ntouch '{marker}'\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", $"{dir.Path}:{path}");
        try
        {
            // When python3 is looked up and run
            var found = ToolRegistry.Default.Find("python3");
            var result = ToolRunner.Run(ToolCommand.For("python3").WithArguments(["-c", "import sys; print(sys.executable)"]));

            // Then it is Debian's, and the one on PATH never ran
            Assert.True(File.Exists("/usr/bin/python3"), "/usr/bin/python3 is missing: apt-get install python3-minimal");
            Assert.Equal("/usr/bin/python3", found);
            Assert.Equal("/usr/bin/python3", result.StandardOutput.Trim());
            Assert.False(File.Exists(marker));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Fact]
    public void Relative_path_entries_are_never_searched() =>
        Assert.All(ToolRegistry.Default.Directories, d => Assert.True(Path.IsPathRooted(d), d));

    [Fact]
    public void Kvmtune_lvm_in_the_environment_no_longer_chooses_the_program_that_runs()
    {
        // Given KVMTUNE_LVM naming a script (it once replaced lvm, run as root)
        using var dir = new TempDirectory();
        var marker = Path.Combine(dir.Path, "ran");
        var fake = Path.Combine(dir.Path, "fake-lvm");
        File.WriteAllText(fake, $"#!/bin/sh\ntouch '{marker}'\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Environment.SetEnvironmentVariable("KVMTUNE_LVM", fake);
        try
        {
            // When the LVM procedure runs on a device that does not exist
            var plan = new LvmSetupPlan($"/dev/kvmtune-none-{Guid.NewGuid():N}", "vg");
            Assert.Throws<LvmCommandException>(() => plan.Run(_ => { }));

            // Then the real lvm refused it, and the script never ran
            Assert.False(File.Exists(marker));
        }
        finally
        {
            Environment.SetEnvironmentVariable("KVMTUNE_LVM", null);
        }
    }
}
