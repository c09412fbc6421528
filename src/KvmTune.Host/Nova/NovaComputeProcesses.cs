using System.Globalization;

namespace KvmTune.Host.Nova;

/// <summary>A running nova-compute process and when it started.</summary>
/// <param name="Pid">The process id.</param>
/// <param name="Started">When it started (UTC).</param>
public sealed record NovaComputeProcess(int Pid, DateTimeOffset Started);

/// <summary>
/// The nova-compute processes of this host (from /proc): a process that started before nova's files changed still
/// runs the old code until it is restarted.
/// </summary>
public static class NovaComputeProcesses
{
    // USER_HZ, the unit of /proc/PID/stat's start time, is 100 on every Linux architecture.
    private const double TicksPerSecond = 100;

    /// <summary>Every process whose command line runs nova-compute.</summary>
    public static IReadOnlyList<NovaComputeProcess> Find(string proc = "/proc")
    {
        var boot = BootTime(proc);
        var list = new List<NovaComputeProcess>();
        if (boot is null)
        {
            return list;
        }
        foreach (var dir in Directory.EnumerateDirectories(proc))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                // "/usr/bin/python3 /usr/bin/nova-compute --config-file …" or "nova-compute: …" (a renamed process title).
                if (!argv.Take(2).Any(a => Path.GetFileName(a) == "nova-compute" || a.StartsWith("nova-compute", StringComparison.Ordinal)))
                {
                    continue;
                }
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Field 22 (starttime) counts from after the command name, which may contain spaces: split after ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[19], CultureInfo.InvariantCulture);
                list.Add(new NovaComputeProcess(pid, boot.Value.AddSeconds(ticks / TicksPerSecond)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while it was being read, or it is not readable: not one to report.
            }
        }
        return list;
    }

    private static DateTimeOffset? BootTime(string proc)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(proc, "stat")))
            {
                if (line.StartsWith("btime ", StringComparison.Ordinal))
                {
                    return DateTimeOffset.FromUnixTimeSeconds(long.Parse(line[6..].Trim(), CultureInfo.InvariantCulture));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
        return null;
    }
}
