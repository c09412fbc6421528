using System.Diagnostics;
using System.Security;
using KvmTune.Host.Libvirt;

namespace KvmTune.Tests.Shared;

/// <summary>
/// A throw-away libvirt domain (type 'qemu', TCG) named kvmtune-test-&lt;guid&gt; in the real libvirtd, with scratch
/// disk images created by qemu-img in a temporary directory. Dispose destroys and undefines it and deletes the files.
/// </summary>
internal sealed class TestDomain : IDisposable
{
    public const string SystemUri = "qemu:///system";

    private TestDomain(string name, string directory, string xml)
    {
        Name = name;
        Directory = directory;
        DefinedXml = xml;
    }

    public string Name { get; }

    /// <summary>The scratch directory holding the images.</summary>
    public string Directory { get; }

    /// <summary>The XML given to defineXML.</summary>
    public string DefinedXml { get; }

    /// <summary>One disk of a test domain: target dev, format (qcow2/raw) and extra driver attributes.</summary>
    public sealed record DiskSpec(string Dev, string Format = "qcow2", string DriverExtra = "", string ElementExtra = "");

    /// <summary>
    /// Defines a domain with the given disks (default: vda qcow2 and vdb raw, no cache/io set). With a
    /// <paramref name="uuid"/>, the domain gets it and its images go to <c>Directory/UUID/</c>, as nova lays out an
    /// instance's disks under instances_path.
    /// </summary>
    public static TestDomain Define(IReadOnlyList<DiskSpec>? disks = null, string? metadata = null, int iothreads = 0, string? uuid = null)
    {
        disks ??= [new DiskSpec("vda"), new DiskSpec("vdb", "raw")];
        var name = "kvmtune-test-" + Guid.NewGuid().ToString("N");
        var dir = System.IO.Directory.CreateTempSubdirectory("kvmtune-test-").FullName;
        // libvirt's QEMU runs as libvirt-qemu: it must be able to reach the images.
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        var imageDir = dir;
        if (uuid is not null)
        {
            imageDir = System.IO.Directory.CreateDirectory(Path.Combine(dir, uuid)).FullName;
            File.SetUnixFileMode(imageDir, (UnixFileMode)0b111_101_101);
        }
        var diskXml = new List<string>();
        foreach (var d in disks)
        {
            var path = Path.Combine(imageDir, $"{d.Dev}.{d.Format}");
            QemuImg("create", "-q", "-f", d.Format, path, "64M");
            var extra = string.IsNullOrEmpty(d.DriverExtra) ? "" : " " + d.DriverExtra;
            diskXml.Add($"""
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='{d.Format}'{extra}/>
                      <source file='{SecurityElement.Escape(path)}'/>
                      <target dev='{d.Dev}' bus='virtio'/>{d.ElementExtra}
                    </disk>
                """);
        }
        var iothreadXml = iothreads > 0 ? $"\n  <iothreads>{iothreads}</iothreads>" : "";
        var xml = $"""
            <domain type='qemu'>
              <name>{name}</name>{(uuid is null ? "" : $"\n  <uuid>{uuid}</uuid>")}{(metadata is null ? "" : "\n  <metadata>\n    " + metadata + "\n  </metadata>")}
              <memory unit='MiB'>64</memory>
              <vcpu>1</vcpu>{iothreadXml}
              <os><type arch='x86_64'>hvm</type></os>
              <devices>
            {string.Join("\n", diskXml)}
              </devices>
            </domain>
            """;
        using var conn = LibvirtConnection.Open(SystemUri);
        using var dom = conn.DefineXml(xml);
        return new TestDomain(name, dir, xml);
    }

    /// <summary>Runs qemu-img and fails the test on a non-zero exit.</summary>
    public static void QemuImg(params string[] args)
    {
        var psi = new ProcessStartInfo("qemu-img") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"qemu-img {string.Join(' ', args)}: {err}");
        }
    }

    /// <summary>Opens a read-write connection to the system libvirtd.</summary>
    public static LibvirtConnection Connect() => LibvirtConnection.Open(SystemUri);

    /// <summary>The domain's current persistent XML as libvirt reports it.</summary>
    public string PersistentXml()
    {
        using var conn = Connect();
        using var dom = conn.LookupByName(Name);
        return dom.PersistentXml;
    }

    public void Dispose()
    {
        try
        {
            using var conn = Connect();
            using var dom = conn.TryLookupByName(Name);
            if (dom is not null)
            {
                if (dom.IsActive)
                {
                    dom.Destroy();
                }
                if (dom.IsPersistent)
                {
                    dom.Undefine();
                }
            }
        }
        finally
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
