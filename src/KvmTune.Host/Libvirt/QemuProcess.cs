namespace KvmTune.Host.Libvirt;

/// <summary>The QEMU process libvirt runs for a domain: its pid (libvirt's pid file) and command line (/proc).</summary>
public static class QemuProcess
{
    /// <summary>Where the system libvirtd's QEMU driver keeps <c>&lt;name&gt;.pid</c>.</summary>
    public const string SystemRunDirectory = "/run/libvirt/qemu";

    /// <summary>True when a URI reaches the libvirtd of this machine (no host part), so /proc shows its processes.</summary>
    public static bool IsLocal(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return false;
        }
        var rest = uri[(schemeEnd + 3)..];
        var hostEnd = rest.IndexOfAny(['/', '?']);
        var host = hostEnd < 0 ? rest : rest[..hostEnd];
        return host.Length == 0 || host is "localhost" || host.StartsWith("localhost:", StringComparison.Ordinal);
    }

    /// <summary>The pid libvirt recorded for a running domain, or null when there is no readable pid file.</summary>
    public static int? Pid(string domain, string runDirectory = SystemRunDirectory)
    {
        var path = Path.Combine(runDirectory, domain + ".pid");
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), out var pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The NUL-separated command line of a process, or null when it is gone or unreadable.</summary>
    public static byte[]? Cmdline(int pid)
    {
        try
        {
            // /proc files report size 0: read the stream, bounded.
            using var stream = File.OpenRead($"/proc/{pid}/cmdline");
            var bytes = Input.InputFiles.ReadBounded(stream, $"/proc/{pid}/cmdline", Core.Input.InputLimits.CommandLineBytes, "QEMU command line");
            return bytes.Length == 0 ? null : bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.InputException)
        {
            return null;
        }
    }
}
