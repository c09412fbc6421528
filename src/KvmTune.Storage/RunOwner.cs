using System.Globalization;

namespace KvmTune.Storage;

/// <summary>
/// Which process runs a run, stored with it so that the next run started can tell a run whose process is gone
/// (killed, host rebooted) from one still measuring: <c>MACHINE/BOOT/PID/START</c> — the machine id
/// (<c>KVMTUNE_MACHINE_ID</c>, else /etc/machine-id), the kernel's boot id, the process id and its start time in clock
/// ticks after boot (/proc/PID/stat field 22), so that a pid the kernel reused is not taken for the run's process.
/// </summary>
public static class RunOwner
{
    /// <summary>The current process.</summary>
    public static string Current => Of(Environment.ProcessId) ?? $"{MachineId}/{BootId}/{Environment.ProcessId}/";

    /// <summary>The owner string of a live process, or null when it is gone.</summary>
    public static string? Of(int pid) => StartTime(pid) is { } start ? $"{MachineId}/{BootId}/{pid}/{start}" : null;

    /// <summary>
    /// True when <paramref name="owner"/>'s process is certainly gone: same machine and a later boot, or same boot and
    /// no process with that pid and start time. False when it runs, or when it is another machine's (a shared store:
    /// only that machine can tell).
    /// </summary>
    public static bool IsGone(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var parts = owner.Split('/');
        if (parts.Length != 4 || parts[0] != MachineId || parts[0].Length == 0)
        {
            return false;
        }
        if (parts[1] != BootId)
        {
            return true;
        }
        return !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || StartTime(pid) != parts[3];
    }

    private static string MachineId =>
        Environment.GetEnvironmentVariable("KVMTUNE_MACHINE_ID") is { Length: > 0 } v ? v : Read("/etc/machine-id") ?? "";

    private static string BootId => Read("/proc/sys/kernel/random/boot_id") ?? "";

    /// <summary>Field 22 of /proc/PID/stat (after the command name, which may hold spaces and parentheses).</summary>
    private static string? StartTime(int pid)
    {
        var stat = Read($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var close = stat?.LastIndexOf(')') ?? -1;
        if (stat is null || close < 0)
        {
            return null;
        }
        // After "pid (comm)": field 3 (state) is the first; field 22 is the twentieth.
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 19 ? fields[19] : null;
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
