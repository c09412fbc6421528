namespace KvmTune.Host.Guest;

/// <summary>How the micro-VM's CPU runs: hardware virtualization or QEMU's emulator.</summary>
public enum GuestAccelerator
{
    /// <summary>Hardware virtualization: the guest's figures are the full-stack truth.</summary>
    Kvm,
    /// <summary>QEMU's TCG emulator: the guest works but its figures only prove it works (functional-only).</summary>
    Tcg,
}

public static class GuestAccelerators
{
    public static string ToName(this GuestAccelerator accelerator) => accelerator == GuestAccelerator.Kvm ? "kvm" : "tcg";

    /// <summary>
    /// KVM only when it can really run a guest: the CPU has vmx or svm, the host is not a nested PVM guest
    /// (<c>/sys/module/kvm_pvm</c>: /dev/kvm exists there but guests die) and /dev/kvm opens read-write.
    /// </summary>
    public static GuestAccelerator Detect(string cpuinfo = "/proc/cpuinfo", string pvmModule = "/sys/module/kvm_pvm", string kvmDevice = "/dev/kvm")
    {
        var flags = File.Exists(cpuinfo)
            ? File.ReadLines(cpuinfo).Where(l => l.StartsWith("flags", StringComparison.Ordinal))
                .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal)
            : [];
        return HasVirtualization(flags) && !Directory.Exists(pvmModule) && CanOpen(kvmDevice) ? GuestAccelerator.Kvm : GuestAccelerator.Tcg;
    }

    public static bool HasVirtualization(IReadOnlySet<string> cpuFlags) => cpuFlags.Contains("vmx") || cpuFlags.Contains("svm");

    private static bool CanOpen(string device)
    {
        try
        {
            using var stream = new FileStream(device, FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
