using System.Globalization;

namespace KvmTune.Host.Processes;

/// <summary>
/// A process as pid plus start time (jiffies since boot, /proc/PID/stat field 22), so a recycled pid is not
/// mistaken for the process that created a scratch object.
/// </summary>
public readonly record struct ProcessIdentity(int Pid, long StartTime)
{
    public static ProcessIdentity Current { get; } = new(Environment.ProcessId, StartTimeOf(Environment.ProcessId) ?? 0);

    /// <summary>True when this very process is still running.</summary>
    public bool IsAlive => StartTimeOf(Pid) is { } start && (StartTime == 0 || start == StartTime);

    /// <summary>True when some process with this pid runs (used when only a pid was recorded).</summary>
    public static bool PidIsAlive(int pid) => StartTimeOf(pid) is not null;

    /// <summary>The start time of a running process, or null when no such process exists.</summary>
    public static long? StartTimeOf(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) may contain spaces and parentheses: fields restart after the last ')'.
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
        return rest.Length > 19 && long.TryParse(rest[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start) ? start : null;
    }

    public override string ToString() => $"{Pid} {StartTime}";

    public static ProcessIdentity? Parse(string text)
    {
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
            ? new ProcessIdentity(pid, start)
            : null;
    }
}
