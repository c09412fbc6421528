using KvmTune.Core;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Probing;

/// <summary>The host tools KvmTune runs and the Debian packages that provide them.</summary>
public static class HostTools
{
    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["fio"] = "fio",
        ["qemu-img"] = "qemu-utils",
        ["qemu-system-x86_64"] = "qemu-system-x86",
        ["qemu-storage-daemon"] = "qemu-system-common",
        ["virsh"] = "libvirt-clients",
        ["libvirtd"] = "libvirt-daemon",
        ["losetup"] = "mount",
        ["blkid"] = "util-linux",
        ["wipefs"] = "util-linux",
        ["lvcreate"] = "lvm2",
        ["lvremove"] = "lvm2",
        ["lvs"] = "lvm2",
        ["vgs"] = "lvm2",
        ["busybox"] = "busybox-static",
        ["cpio"] = "cpio",
    };

    /// <summary>The Debian package that provides <paramref name="tool"/>, or null when KvmTune does not know it.</summary>
    public static string? DebianPackage(string tool) => Packages.GetValueOrDefault(tool);

    /// <summary>"missing (Debian package fio)": how probe and errors describe a tool that is not installed.</summary>
    public static string Missing(string tool) =>
        DebianPackage(tool) is { } package ? $"missing (Debian package {package})" : "missing";

    /// <summary>Throws <see cref="InputException"/> naming the Debian package of the first tool that is not installed.</summary>
    public static void RequireTools(params string[] tools)
    {
        foreach (var tool in tools)
        {
            if (HostProcess.Which(tool) is null)
            {
                throw new InputException(DebianPackage(tool) is { } package
                    ? $"{tool} is not installed (install the Debian package {package})"
                    : $"{tool} is not installed");
            }
        }
    }
}
