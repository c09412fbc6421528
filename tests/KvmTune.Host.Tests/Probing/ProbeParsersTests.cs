using KvmTune.Host.Probing;

namespace KvmTune.Host.Tests.Probing;

public sealed class ProbeParsersTests
{
    [Theory]
    [InlineData("qemu-system-x86_64--version.txt", "7.2.22")]
    [InlineData("qemu-img--version.txt", "7.2.22")]
    [InlineData("qemu-storage-daemon--version.txt", "7.2.22")]
    [InlineData("virsh--version.txt", "9.0.0")]
    [InlineData("libvirtd--version.txt", "9.0.0")]
    [InlineData("fio--version.txt", "3.33")]
    public void Recorded_version_banners_give_the_version(string fixture, string version) =>
        Assert.Equal(version, ProbeParsers.ToolVersion(ProbeFixtures.Read(fixture)));

    [Theory]
    [InlineData("libvirt.so.0.9000.0", "9.0.0")]
    [InlineData("libvirt.so.0.10002.0", "10.2.0")]
    [InlineData("libvirt.so.0", null)]
    public void The_libvirt_library_file_name_encodes_its_version(string file, string? version) =>
        Assert.Equal(version, ProbeParsers.LibvirtLibraryVersion(file));

    [Fact]
    public void Recorded_cpuinfo_of_a_nested_pvm_host_has_no_vmx_or_svm()
    {
        var flags = ProbeParsers.CpuFlags(ProbeFixtures.Read("cpuinfo.txt"));
        Assert.Contains("sse4_2", flags);
        Assert.DoesNotContain("vmx", flags);
        Assert.DoesNotContain("svm", flags);
    }

    [Fact]
    public void Recorded_meminfo_gives_mem_total_in_bytes() =>
        Assert.Equal(24684092L * 1024, ProbeParsers.MemInfoBytes(ProbeFixtures.Read("meminfo.txt"), "MemTotal"));

    [Theory]
    [InlineData("none [mq-deadline] kyber bfq", "mq-deadline")]
    [InlineData("[none] mq-deadline", "none")]
    [InlineData("none", "none")]
    public void The_selected_scheduler_is_the_bracketed_one(string line, string expected) =>
        Assert.Equal(expected, ProbeParsers.SelectedScheduler(line));

    [Fact]
    public void Kernel_release_gives_major_and_minor() =>
        Assert.Equal(new Version(6, 18), ProbeParsers.KernelVersion(ProbeFixtures.Read("uname-r.txt").Trim()));
}
