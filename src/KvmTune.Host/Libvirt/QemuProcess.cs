using KvmTune.Core.Qemu;

namespace KvmTune.Host.Libvirt;

/// <summary>A running domain's QEMU command line, or why it could not be read.</summary>
/// <param name="Pid">The QEMU process id, when libvirt's pid file names one.</param>
/// <param name="CommandLine">The parsed command line, or null.</param>
/// <param name="Note">Why there is no command line (remote URI, no pid file, another process), or null.</param>
public sealed record RunningQemu(int? Pid, QemuCommandLine? CommandLine, string? Note);

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

    /// <summary>
    /// The command line of the QEMU process running <paramref name="domain"/>, through libvirt's pid file and /proc;
    /// only for a local URI. A stale pid file naming another process is caught by QEMU's <c>-name guest=NAME</c>.
    /// </summary>
    public static RunningQemu Read(string domain, bool local)
    {
        if (!local)
        {
            return new RunningQemu(null, null, "remote connection: the QEMU process is on another host (/proc not reachable)");
        }
        if (Pid(domain) is not { } pid)
        {
            return new RunningQemu(null, null, $"no readable pid file in {SystemRunDirectory}");
        }
        if (Cmdline(pid) is not { } bytes)
        {
            return new RunningQemu(pid, null, $"process {pid} is gone or its command line is unreadable");
        }
        var commandLine = QemuCommandLine.ParseProcCmdline(bytes, $"/proc/{pid}/cmdline");
        return commandLine.Arguments.Any(a => a.StartsWith($"guest={domain},", StringComparison.Ordinal) || a == $"guest={domain}")
            ? new RunningQemu(pid, commandLine, null)
            : new RunningQemu(pid, null, $"process {pid} is not this domain's QEMU");
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
