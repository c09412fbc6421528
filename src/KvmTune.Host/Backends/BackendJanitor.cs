using KvmTune.Host.Devices;
using KvmTune.Host.Native;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Backends;

/// <summary>
/// Finds and removes what a killed KvmTune run left behind in its scratch directories: the loop devices it attached
/// (recognised by identity: a loop device whose backing file is a scratch image KvmTune recorded before attaching it,
/// <see cref="ScratchLoopRecord"/>, inside that scratch directory), the scratch files, records and owner markers, and
/// <c>kvmtune-*</c> logical volumes, whenever the process that created them no longer runs. Objects of running KvmTune
/// processes are left alone, and so is every loop device KvmTune did not record — whatever its backing file is called.
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
        foreach (var dir in directories)
        {
            // A real directory only: a symlink in place of a scratch directory is not followed.
            if (LinuxFile.LinkStat(dir) is { IsDirectory: true })
            {
                CleanDirectory(dir, report);
            }
        }
        report.AddRange(CleanLogicalVolumes());
        return report;
    }

    private static void CleanDirectory(string dir, List<string> report)
    {
        // Decide per owner before deleting anything: the marker that tells is itself among the files.
        var alive = new Dictionary<int, bool>();
        bool OwnerAliveCached(int pid)
        {
            if (!alive.TryGetValue(pid, out var ownerAlive))
            {
                alive[pid] = ownerAlive = OwnerAlive(pid, dir);
            }
            return ownerAlive;
        }

        // Loop devices first: their backing files must be released before the files go.
        var undetached = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in Directory.GetFiles(dir, ScratchNames.Prefix + "*.loop").Order(StringComparer.Ordinal))
        {
            if (ScratchNames.PidOfLoopRecord(Path.GetFileName(record)) is not { } pid || OwnerAliveCached(pid)
                || ScratchLoopRecord.Read(record) is not { } identity)
            {
                continue;
            }
            foreach (var device in LoopDevicesOn(identity, dir))
            {
                var detach = ToolRunner.Run(ToolCommand.For("losetup").WithArguments(["--detach", device]).WithTimeout(TimeSpan.FromMinutes(2)));
                if (detach.Succeeded)
                {
                    report.Add($"detached {device} ({Path.Combine(dir, Path.GetFileNameWithoutExtension(record))})");
                }
                else
                {
                    report.Add($"could not detach {device}: {detach.Message}");
                    undetached.Add(record);
                }
            }
        }

        foreach (var file in Directory.GetFiles(dir, ScratchNames.Prefix + "*").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var pid = ScratchNames.PidOfImageFile(name) ?? ScratchNames.PidOfLoopRecord(name) ?? ScratchNames.PidOfOwnerMarker(name);
            // A record whose loop device is still attached stays, so the next clean-up can try again.
            if (pid is null || OwnerAliveCached(pid.Value) || undetached.Contains(file))
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

    /// <summary>
    /// The loop devices whose backing file is the recorded image: same device and inode (the kernel's
    /// LOOP_GET_STATUS64, not the name), and a backing path inside <paramref name="directory"/>.
    /// </summary>
    private static IEnumerable<string> LoopDevicesOn(FileIdentity image, string directory)
    {
        var here = LinuxFile.IdentityOf(directory);
        foreach (var name in BlockDevices.AttachedLoopDevices())
        {
            var device = $"/dev/{name}";
            if (LinuxFile.LoopBackingOf(device) is not { } backing || backing.File != image)
            {
                continue;
            }
            // The kernel names the backing file by its real path: compare the directories by identity, not by spelling.
            if (BlockDevices.LoopBackingFile(name) is { } file && Path.GetDirectoryName(file) is { } parent && here is not null
                && LinuxFile.IdentityOf(parent) == here)
            {
                yield return device;
            }
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
        if (LinuxFile.LinkStat(marker) is { IsRegularFile: true } && ProcessIdentity.Parse(File.ReadAllText(marker)) is { } owner)
        {
            return owner.IsAlive;
        }
        return ProcessIdentity.PidIsAlive(pid);
    }

    private static List<string> CleanLogicalVolumes()
    {
        var report = new List<string>();
        if (!BlockDevices.DeviceMapperPresent || ToolRegistry.Default.Find("lvs") is null)
        {
            return report;
        }
        var lvs = ToolRunner.Run(ToolCommand.For("lvs").WithArguments(["--noheadings", "--separator", "/", "-o", "vg_name,lv_name"]).WithTimeout(TimeSpan.FromMinutes(2)));
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
            var remove = ToolRunner.Run(ToolCommand.For("lvremove").WithArguments(["--yes", "--", line]).WithTimeout(TimeSpan.FromMinutes(2)));
            report.Add(remove.Succeeded ? $"removed logical volume {line}" : $"could not remove logical volume {line}: {remove.Message}");
        }
        return report;
    }
}
