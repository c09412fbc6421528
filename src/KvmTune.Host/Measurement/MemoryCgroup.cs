namespace KvmTune.Host.Measurement;

/// <summary>
/// A memory-limited cgroup the qemu engine runs a process in to measure sustained throughput of the cache modes that
/// use the host page cache. Dirty page-cache pages are charged to the cgroup of the process that dirtied them; once
/// the cgroup's usage reaches its limit the kernel reclaims from it, which means waiting for those pages' writeback,
/// (cgroup v2 also throttles the writer in balance_dirty_pages against the cgroup's own dirty limit), so the writer
/// settles at the rate the storage accepts. Without the limit a host with a lot of RAM absorbs gigabytes of writes
/// at memory speed and hides the device. The limit bounds only this measurement, not the host.
/// cgroup v2 (<c>memory.max</c>) is used when the unified hierarchy has the memory controller, otherwise the v1 memory
/// hierarchy (<c>memory.limit_in_bytes</c>). No systemd is needed: the group is a directory KvmTune creates and removes.
/// </summary>
public sealed class MemoryCgroup : IDisposable
{
    private const string Root = "/sys/fs/cgroup";

    private MemoryCgroup(string path) => Path = path;

    /// <summary>The limit in bytes.</summary>
    public long LimitBytes { get; private init; }

    /// <summary>The cgroup directory.</summary>
    public string Path { get; }

    /// <summary>The file a process writes its pid to, to join the group.</summary>
    public string ProcsFile => System.IO.Path.Combine(Path, "cgroup.procs");

    /// <summary>Creates a group limited to <paramref name="limitBytes"/>, or returns null when no memory controller is usable (not root, no cgroup fs).</summary>
    public static MemoryCgroup? TryCreate(long limitBytes)
    {
        var name = $"kvmtune-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32];
        try
        {
            var controllers = System.IO.Path.Combine(Root, "cgroup.controllers");
            if (File.Exists(controllers) && File.ReadAllText(controllers).Split(' ', '\n').Contains("memory"))
            {
                // Children of the root get memory.max only when the root delegates the controller; systemd does this,
                // a systemd-less host may not.
                var subtree = System.IO.Path.Combine(Root, "cgroup.subtree_control");
                if (!File.ReadAllText(subtree).Split(' ', '\n').Contains("memory"))
                {
                    TryWrite(subtree, "+memory");
                }
                var dir = System.IO.Path.Combine(Root, name);
                Directory.CreateDirectory(dir);
                try
                {
                    File.WriteAllText(System.IO.Path.Combine(dir, "memory.max"), limitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    TryRemove(dir);
                    return null;
                }
                // No swap: anonymous memory of qemu-img must not be what gets reclaimed.
                TryWrite(System.IO.Path.Combine(dir, "memory.swap.max"), "0");
                return new MemoryCgroup(dir) { LimitBytes = limitBytes };
            }
            var v1 = System.IO.Path.Combine(Root, "memory");
            if (File.Exists(System.IO.Path.Combine(v1, "memory.limit_in_bytes")))
            {
                var dir = System.IO.Path.Combine(v1, name);
                Directory.CreateDirectory(dir);
                File.WriteAllText(System.IO.Path.Combine(dir, "memory.limit_in_bytes"), limitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return new MemoryCgroup(dir) { LimitBytes = limitBytes };
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return null;
    }

    /// <summary>
    /// Leftover groups of runs that were killed (<c>kvmtune-PID-…</c> whose process is gone) are removed; the groups of a
    /// run still going on this host are left to it.
    /// </summary>
    public static void RemoveLeftovers()
    {
        foreach (var parent in new[] { Root, System.IO.Path.Combine(Root, "memory") })
        {
            if (!Directory.Exists(parent))
            {
                continue;
            }
            foreach (var dir in Directory.EnumerateDirectories(parent, "kvmtune-*"))
            {
                // kvmtune-PID-…: a group of a process still running (another run on this host) is its own.
                var parts = System.IO.Path.GetFileName(dir).Split('-');
                if (parts.Length > 1 && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                    && Directory.Exists($"/proc/{pid}"))
                {
                    continue;
                }
                TryRemove(dir);
            }
        }
    }

    public void Dispose() => TryRemove(Path);

    private static void TryRemove(string dir)
    {
        // A cgroup directory is removed with rmdir (its control files cannot be deleted); it fails while processes remain.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(50);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    private static void TryWrite(string file, string value)
    {
        try
        {
            File.WriteAllText(file, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
