using KvmTune.Core;
using KvmTune.Core.Fleet;
using KvmTune.Host.Libvirt;

namespace KvmTune.Services.Fleet;

/// <summary>The hosts a <see cref="HostQuery"/> names: its URIs, then its hosts file's hosts; with neither, the default
/// URI (<c>$LIBVIRT_DEFAULT_URI</c>, else <c>qemu:///system</c>), as virsh does.</summary>
public static class FleetTargets
{
    /// <summary>Larger hosts files are refused: an inventory is text a person wrote, not a stream.</summary>
    public const long MaxHostsFileBytes = 16L << 20;

    public static IReadOnlyList<HostTarget> Resolve(HostQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var targets = query.Connect.Distinct(StringComparer.Ordinal).Select(HostTarget.FromUri).ToList();
        if (query.HostsFile is { } file)
        {
            foreach (var target in InventoryParser.Parse(ReadHostsFile(file), file).Targets(query.Limit))
            {
                if (!targets.Any(t => t.Uri == target.Uri))
                {
                    targets.Add(target);
                }
            }
        }
        if (targets.Count == 0)
        {
            targets.Add(HostTarget.FromUri(LibvirtInput.DefaultUri));
        }
        return targets;
    }

    private static string ReadHostsFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path))
            {
                throw new InputException($"--hosts {path}: is a directory (give the inventory file)");
            }
            if (!info.Exists)
            {
                throw new InputException($"--hosts {path}: no such file");
            }
            if (info.Length > MaxHostsFileBytes)
            {
                throw new InputException($"--hosts {path}: larger than {MaxHostsFileBytes >> 20} MiB");
            }
            return File.ReadAllText(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException($"--hosts {path}: permission denied");
        }
        catch (IOException e)
        {
            throw new InputException($"--hosts {path}: cannot read: {e.Message}", e);
        }
    }
}
