using KvmTune.Host.Guest;

namespace KvmTune.Host.Tests.Guest;

public sealed class GuestAcceleratorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvmtune-accel-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string File(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private string Missing(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void Kvm_is_used_when_the_cpu_has_vmx_the_host_is_not_pvm_and_the_device_opens()
    {
        var cpuinfo = File("cpuinfo", "processor\t: 0\nflags\t\t: fpu vme vmx sse2\n");
        Assert.Equal(GuestAccelerator.Kvm, GuestAccelerators.Detect(cpuinfo, Missing("kvm_pvm"), File("kvm", "")));
    }

    [Fact]
    public void A_nested_pvm_host_runs_tcg_even_with_an_openable_kvm_device()
    {
        // Given this machine's situation: no vmx/svm flag and /sys/module/kvm_pvm present
        var cpuinfo = File("cpuinfo", "flags\t\t: fpu vme sse2 hypervisor\n");
        var pvm = Directory.CreateDirectory(Path.Combine(_dir.FullName, "kvm_pvm")).FullName;
        Assert.Equal(GuestAccelerator.Tcg, GuestAccelerators.Detect(cpuinfo, pvm, File("kvm", "")));
        Assert.Equal(GuestAccelerator.Tcg, GuestAccelerators.Detect(File("svm", "flags\t: svm\n"), pvm, File("kvm2", "")));
    }

    [Fact]
    public void Tcg_is_used_when_the_kvm_device_is_missing()
    {
        var cpuinfo = File("cpuinfo", "flags\t\t: svm\n");
        Assert.Equal(GuestAccelerator.Tcg, GuestAccelerators.Detect(cpuinfo, Missing("kvm_pvm"), Missing("kvm")));
    }
}
