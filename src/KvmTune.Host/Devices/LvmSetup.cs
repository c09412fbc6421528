using System.Text.RegularExpressions;
using KvmTune.Core;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Devices;

/// <summary>
/// The block-backend procedure for nova's LVM image backend: <c>pvcreate DEV</c>, <c>vgcreate VG DEV</c>, run as
/// sub-commands of <c>lvm</c> found through the <see cref="ToolRegistry"/>. Names follow <c>--</c>, so a name can never
/// be read as an option.
/// </summary>
public sealed partial record LvmSetupPlan(string Device, string VolumeGroup)
{
    /// <summary>The commands, in order, as LVM sub-command and arguments.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Commands { get; } =
        [["pvcreate", "--", Device], ["vgcreate", "--", VolumeGroup, Device]];

    /// <summary>Checks a volume group name the way LVM does (characters a-z A-Z 0-9 + _ . -, not starting with -, not . or ..).</summary>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > 127 || name is "." or ".." || name[0] == '-' || !VgName().IsMatch(name))
        {
            throw new InputException($"--vg '{name}': not a valid LVM volume group name (letters, digits, + _ . -; not starting with -)");
        }
        if (name.StartsWith("snapshot", StringComparison.Ordinal) || name.StartsWith("pvmove", StringComparison.Ordinal))
        {
            throw new InputException($"--vg '{name}': LVM reserves names starting with snapshot or pvmove");
        }
    }

    /// <summary>Runs the commands in order, stopping at the first failure (<see cref="LvmCommandException"/>).</summary>
    /// <param name="log">Gets each command line and its output.</param>
    /// <param name="registry">Where <c>lvm</c> is found (tests give a directory holding a fake one).</param>
    public void Run(Action<string> log, ToolRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        foreach (var command in Commands)
        {
            log($"$ {string.Join(' ', command)}");
            var result = ToolRunner.Run(ToolCommand.For("lvm").WithArguments(command).WithRegistry(registry ?? ToolRegistry.Default)
                .WithTimeout(TimeSpan.FromMinutes(5)));
            if (result.StandardOutput.Trim() is { Length: > 0 } text)
            {
                log(text);
            }
            if (!result.Succeeded)
            {
                throw new LvmCommandException(command, result.ExitCode, result.Message);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9+_.-]+$")]
    private static partial Regex VgName();
}

/// <summary>An LVM command that failed, with its exit code and stderr.</summary>
public sealed class LvmCommandException(IReadOnlyList<string> command, int exitCode, string error)
    : Exception($"{string.Join(' ', command)} failed (exit {exitCode}): {error}")
{
    public IReadOnlyList<string> Command { get; } = command;
    public int ExitCode { get; } = exitCode;
}

/// <summary>Whether device-mapper is usable: LVM cannot activate volumes without it.</summary>
public static class DeviceMapper
{
    /// <summary>Null when available, else why not.</summary>
    public static string? Missing(string sysModule = "/sys/module/dm_mod", string control = "/dev/mapper/control")
    {
        if (Directory.Exists(sysModule) || File.Exists(control))
        {
            return null;
        }
        var missing = new List<string>();
        if (!Directory.Exists(sysModule))
        {
            missing.Add($"no {sysModule} (dm_mod not loaded or not built in)");
        }
        if (!File.Exists(control))
        {
            missing.Add($"no {control}");
        }
        return $"device-mapper is not available ({string.Join(", ", missing)}): LVM cannot create or activate volumes on this host";
    }
}
