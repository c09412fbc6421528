using KvmTune.Core.Measurement;
using KvmTune.Host.Native;
using KvmTune.Host.Probing;

namespace KvmTune.Host.Tests.Probing;

public sealed class HostProbeTests
{
    [Fact]
    public void The_recorded_nested_pvm_host_is_tcg_with_both_reasons()
    {
        // Given the recorded inputs of a nested PVM host (/dev/kvm present, no vmx/svm, kvm_pvm loaded)
        var result = HostProbe.Interpret(ProbeFixtures.RecordedHost());

        // Then guests must use TCG, and the reason names both causes
        Assert.Equal("tcg", result.Accelerator);
        Assert.Contains("kvm_pvm", result.AcceleratorReason, StringComparison.Ordinal);
        Assert.Contains("neither vmx nor svm", result.AcceleratorReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Recorded_versions_become_host_facts_and_fact_list_entries()
    {
        // Given the recorded host
        var result = HostProbe.Interpret(ProbeFixtures.RecordedHost());

        // When it becomes rule facts and a fact list
        var facts = result.ToHostFacts();
        var list = result.ToFactList().ToDictionary(p => p.Key, p => p.Value);

        // Then the versions are typed for the rules (io_uring supported by QEMU 7.2 + libvirt 9.0)
        Assert.Equal(new Version(7, 2, 22), facts.QemuVersion);
        Assert.Equal(new Version(9, 0, 0), facts.LibvirtVersion);
        Assert.True(facts.SupportsIoUring);
        // And the store keys carry every fact
        Assert.Equal("6.18.44-fc-v657", list[HostFactKeys.Kernel]);
        Assert.Equal("3.33", list[HostFactKeys.FioVersion]);
        Assert.Equal("tcg", list[HostFactKeys.Accelerator]);
        Assert.Equal("no", list[HostFactKeys.DeviceMapper]);
        Assert.Equal("yes", list[HostFactKeys.IoUring]);
        Assert.Equal("20", list[HostFactKeys.DirtyRatio]);
        Assert.Equal("10", list[HostFactKeys.DirtyBackgroundRatio]);
        Assert.Equal("vda", list[HostFactKeys.StorageDevice]);
        Assert.Equal("yes", list[HostFactKeys.StorageRotational]);
        Assert.Equal("mq-deadline", list[ProbeFactKeys.StorageScheduler]);
        Assert.Equal((24684092L * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), list[ProbeFactKeys.MemTotal]);
    }

    [Fact]
    public void A_missing_fio_is_reported_with_its_debian_package()
    {
        var result = HostProbe.Interpret(ProbeFixtures.RecordedHost(withFio: false));
        var fio = Assert.Single(result.Tools, t => t.Tool == "fio");
        Assert.Null(fio.Version);
        Assert.Equal("missing (Debian package fio)", fio.Status);
    }

    [Theory]
    [InlineData(true, true, "vmx", false, "kvm")]
    [InlineData(true, true, "svm", false, "kvm")]
    [InlineData(true, true, "vmx", true, "tcg")]
    [InlineData(true, false, "vmx", false, "tcg")]
    [InlineData(false, false, "vmx", false, "tcg")]
    [InlineData(true, true, "sse2", false, "tcg")]
    public void Kvm_needs_a_usable_dev_kvm_a_virtualisation_flag_and_no_pvm(bool present, bool accessible, string flag, bool pvm, string expected)
    {
        var (accelerator, _) = HostProbe.DecideAccelerator(present, accessible, new HashSet<string> { flag }, pvm);
        Assert.Equal(expected, accelerator);
    }

    [Theory]
    [InlineData("4.19.0-amd64", "0", null, false)]
    [InlineData("6.1.0-13-amd64", "2", null, false)]
    [InlineData("6.1.0-13-amd64", "0", "Operation not permitted", false)]
    [InlineData("6.1.0-13-amd64", null, null, true)]
    public void Io_uring_needs_a_new_kernel_not_disabled_and_a_working_setup(string kernel, string? disabled, string? error, bool available) =>
        Assert.Equal(available, HostProbe.DecideIoUring(kernel, disabled, error).Available);

    [Fact]
    public async Task The_live_probe_agrees_with_the_host()
    {
        // Given a scratch directory on this host
        using var dir = new TempDirectory();

        // When the live host is probed
        var result = await HostProbe.RunAsync(dir.Path, device: null);

        // Then versions are found for the installed tools, and the probe left no file behind
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), result.Kernel);
        Assert.All(result.Tools, tool => Assert.NotNull(tool.Version));
        Assert.Matches(@"^\d+\.\d+", result.QemuVersion);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        // And the accelerator follows the host's own evidence
        var flags = ProbeParsers.CpuFlags(File.ReadAllText("/proc/cpuinfo"));
        var kvmPossible = File.Exists("/dev/kvm") && !Directory.Exists("/sys/module/kvm_pvm") && (flags.Contains("vmx") || flags.Contains("svm"));
        if (!kvmPossible)
        {
            Assert.Equal("tcg", result.Accelerator);
        }
        // And the storage is the device holding the directory
        var device = LinuxFile.Stat(dir.Path)!.Device;
        Assert.Equal(device, result.Storage?.MajorMinor);
        Assert.Equal(Directory.Exists("/sys/module/dm_mod") || File.Exists("/dev/mapper/control"), result.DeviceMapper.Available);
    }

    [Fact]
    public async Task A_named_loop_device_is_probed_read_only_for_o_direct()
    {
        // Given a loop device over a file holding a known first block
        using var loop = TestLoopDevice.Create(prepare: file =>
        {
            using var stream = new FileStream(file, FileMode.Open);
            stream.Write(Enumerable.Repeat((byte)0xab, 4096).ToArray());
        });
        using var dir = new TempDirectory();

        // When it is probed
        var result = await HostProbe.RunAsync(dir.Path, loop.Device);

        // Then O_DIRECT works and the device's content is unchanged
        Assert.True(result.DeviceODirect!.Available, result.DeviceODirect.Detail);
        var first = new byte[4096];
        using (var stream = new FileStream(loop.File, FileMode.Open, FileAccess.Read))
        {
            stream.ReadExactly(first);
        }
        Assert.All(first, b => Assert.Equal(0xab, b));
    }

    [Fact]
    public void Sparse_and_lvm_lookups_read_the_real_file()
    {
        // Given a sparse file and a fully written one
        using var dir = new TempDirectory();
        var sparse = Path.Combine(dir.Path, "sparse.img");
        var full = Path.Combine(dir.Path, "full.img");
        using (var stream = new FileStream(sparse, FileMode.CreateNew))
        {
            stream.SetLength(16L << 20);
        }
        File.WriteAllBytes(full, new byte[1 << 20]);
        var facts = HostProbe.Interpret(ProbeFixtures.RecordedHost()).ToHostFacts();

        // Then the lookups tell them apart; a missing path is unknown; a plain file is no LV
        Assert.True(facts.IsSparseFile(sparse));
        Assert.False(facts.IsSparseFile(full));
        Assert.Null(facts.IsSparseFile(Path.Combine(dir.Path, "missing.img")));
        Assert.False(facts.IsLvmVolume(full));
        Assert.False(facts.IsThinVolume(full));
    }
}
