using KvmTune.Host.Devices;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Backends;

/// <summary>
/// Finds and removes what a killed KvmTune run left behind: loop devices over <c>kvmtune-*</c> scratch files,
/// the scratch files and owner markers themselves, and <c>kvmtune-*</c> logical volumes, whenever the process that
/// created them no longer runs. Objects of running KvmTune processes are left alone.
/// </summary>
public static class BackendJanitor
{
    /// <summary>
    /// Removes leftovers in the default scratch directory and in <paramref name="scratchDirectories"/>
    /// (for example a <c>--dir</c> of an earlier run). Returns one line per object removed or that could not be.
    /// </summary>
    public static IReadOnlyList<string> CleanLeftovers(IEnumerable<string>? scratchDirectories = null)
    {
        var report = new List<string>();
        var directories = new HashSet<string>(StringComparer.Ordinal) { Path.Combine(DataDirectory.Path, "scratch") };
        foreach (var dir in scratchDirectories ?? [])
        {
            directories.Add(Path.GetFullPath(dir));
        }

        // Loop devices first: their backing files must be released before the files go.
        foreach (var (device, backingFile) in LoopDevices())
        {
            var pid = ScratchNames.PidOfImageFile(Path.GetFileName(backingFile));
            if (pid is null || OwnerAlive(pid.Value, Path.GetDirectoryName(backingFile)!))
            {
                continue;
            }
            var detach = HostProcess.Run("losetup", ["--detach", device]);
            report.Add(detach.Succeeded ? $"detached {device} ({backingFile})" : $"could not detach {device}: {detach.Message}");
            var dir = Path.GetDirectoryName(backingFile)!;
            // A backing file outside the scanned directories is only ours to delete when its directory holds our marker.
            if (!directories.Contains(dir) && File.Exists(Path.Combine(dir, ScratchNames.OwnerMarker(pid.Value))))
            {
                directories.Add(dir);
            }
        }

        foreach (var dir in directories.Where(Directory.Exists))
        {
            // Decide per owner before deleting anything: the marker that tells is itself among the files.
            var alive = new Dictionary<int, bool>();
            foreach (var file in Directory.GetFiles(dir, ScratchNames.Prefix + "*").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                var pid = ScratchNames.PidOfImageFile(name) ?? ScratchNames.PidOfOwnerMarker(name);
                if (pid is null)
                {
                    continue;
                }
                if (!alive.TryGetValue(pid.Value, out var ownerAlive))
                {
                    alive[pid.Value] = ownerAlive = OwnerAlive(pid.Value, dir);
                }
                if (ownerAlive)
                {
                    continue;
                }
                try
                {
                    File.Delete(file);
                    report.Add($"removed {file}");
                }
                catch (IOException e)
                {
                    report.Add($"could not remove {file}: {e.Message}");
                }
                catch (UnauthorizedAccessException e)
                {
                    report.Add($"could not remove {file}: {e.Message}");
                }
            }
        }

        report.AddRange(CleanLogicalVolumes());
        return report;
    }

    /// <summary>Attached loop devices and their backing files (without the kernel's " (deleted)" suffix).</summary>
    public static IEnumerable<(string Device, string BackingFile)> LoopDevices()
    {
        if (!Directory.Exists("/sys/class/block"))
        {
            yield break;
        }
        foreach (var dir in Directory.EnumerateFileSystemEntries("/sys/class/block", "loop*"))
        {
            var name = Path.GetFileName(dir);
            var backing = BlockDevices.ReadSys(name, "loop/backing_file");
            if (string.IsNullOrEmpty(backing))
            {
                continue;
            }
            const string Deleted = " (deleted)";
            if (backing.EndsWith(Deleted, StringComparison.Ordinal))
            {
                backing = backing[..^Deleted.Length];
            }
            yield return ($"/dev/{name}", backing);
        }
    }

    // The owner marker records pid and start time, so a recycled pid does not keep leftovers alive forever;
    // without a marker only the pid is known.
    private static bool OwnerAlive(int pid, string directory)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }
        var marker = Path.Combine(directory, ScratchNames.OwnerMarker(pid));
        if (File.Exists(marker) && ProcessIdentity.Parse(File.ReadAllText(marker)) is { } owner)
        {
            return owner.IsAlive;
        }
        return ProcessIdentity.PidIsAlive(pid);
    }

    private static List<string> CleanLogicalVolumes()
    {
        var report = new List<string>();
        if (!BlockDevices.DeviceMapperPresent || HostProcess.Which("lvs") is null)
        {
            return report;
        }
        var lvs = HostProcess.Run("lvs", ["--noheadings", "--separator", "/", "-o", "vg_name,lv_name"]);
        if (!lvs.Succeeded)
        {
            return report;
        }
        foreach (var line in lvs.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('/');
            if (parts.Length != 2 || ScratchNames.PidOfLogicalVolume(parts[1]) is not { } pid
                || pid == Environment.ProcessId || ProcessIdentity.PidIsAlive(pid))
            {
                continue;
            }
            var remove = HostProcess.Run("lvremove", ["--yes", line]);
            report.Add(remove.Succeeded ? $"removed logical volume {line}" : $"could not remove logical volume {line}: {remove.Message}");
        }
        return report;
    }
}
