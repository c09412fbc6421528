using KvmTune.Host.Native;

namespace KvmTune.Host.Devices;

/// <summary>How much of a related device a write to the named device reaches.</summary>
public enum AliasReach
{
    /// <summary>All of it: the named device itself, its partitions, another loop device on the same file.</summary>
    Whole,

    /// <summary>Part of it: the disk a named partition belongs to, the lower devices of a named dm/md device.</summary>
    Part,
}

/// <summary>One device a write to the named device also writes to.</summary>
/// <param name="Name">Kernel name (<c>loop1</c>, <c>sda2</c>, <c>dm-0</c>).</param>
/// <param name="MajorMinor">Its device number.</param>
/// <param name="Reach">Whole or part of it.</param>
/// <param name="Relation">How it relates to the named device, in words ("a loop device on the same file as /dev/loop0").</param>
public sealed record DeviceAlias(string Name, string MajorMinor, AliasReach Reach, string Relation)
{
    /// <summary>The device node (<c>/dev/loop1</c>).</summary>
    public string Node => $"/dev/{Name}";

    /// <summary>"/dev/loop1 (a loop device on the same file as /dev/loop0)", or "/dev/loop0" for the named device.</summary>
    public string Description => Relation.Length == 0 ? Node : $"{Node} ({Relation})";
}

/// <summary>
/// Every device that a write to a named block device reaches, found by identity rather than by name: its partitions
/// and the disk it is a partition of (sysfs), the devices a dm/md device is stacked on (sysfs <c>slaves</c>), loop
/// devices on the same backing file (device and inode from LOOP_GET_STATUS64, not the file's name), a loop device's
/// backing device and loop devices backed by the device. <see cref="DeviceSafety"/> refuses the named device when any
/// of them is mounted, swap or held.
/// </summary>
public static class DeviceAliases
{
    /// <summary>The named device (first) and every alias, by kernel name of the named device.</summary>
    public static IReadOnlyList<DeviceAlias> Resolve(string kernelName)
    {
        var loops = BlockDevices.AttachedLoopDevices()
            .Select(name => (Name: name, Backing: LinuxFile.LoopBackingOf($"/dev/{name}")))
            .Where(l => l.Backing is not null)
            .ToList();
        var found = new Dictionary<string, DeviceAlias>(StringComparer.Ordinal);
        var order = new List<string>();
        var queue = new Queue<string>();

        void Add(string name, AliasReach reach, string relation)
        {
            if (BlockDevices.MajorMinor(name) is not { } dev)
            {
                return;
            }
            if (found.TryGetValue(name, out var known))
            {
                if (known.Reach == AliasReach.Part && reach == AliasReach.Whole)
                {
                    // Reached whole by another path: check it (and what lies below it) as a whole device.
                    found[name] = known with { Reach = AliasReach.Whole };
                    queue.Enqueue(name);
                }
                return;
            }
            found[name] = new DeviceAlias(name, dev, reach, relation);
            order.Add(name);
            queue.Enqueue(name);
        }

        Add(kernelName, AliasReach.Whole, "");
        while (queue.Count > 0)
        {
            var name = queue.Dequeue();
            var current = found[name];
            var node = $"/dev/{name}";
            if (current.Reach == AliasReach.Whole)
            {
                foreach (var partition in BlockDevices.Partitions(name))
                {
                    Add(partition, AliasReach.Whole, $"a partition of {node}");
                }
            }
            if (BlockDevices.ParentDisk(name) is { } parent)
            {
                Add(parent, AliasReach.Part, $"the disk {node} is a partition of");
            }
            foreach (var lower in BlockDevices.Slaves(name))
            {
                Add(lower, AliasReach.Part, $"a device {node} is stacked on");
            }
            var dev = BlockDevices.MajorMinor(name);
            var self = loops.FirstOrDefault(l => l.Name == name).Backing;
            foreach (var (loop, backing) in loops)
            {
                if (loop == name)
                {
                    continue;
                }
                // Another loop device over the same file (by device and inode: a moved or renamed file is the same file).
                if (self is not null && backing!.File == self.File)
                {
                    Add(loop, current.Reach, $"a loop device on the same file as {node}");
                }
                // A loop device whose backing file is this very device node.
                if (backing!.Rdevice != 0 && BlockDevices.MajorMinorOf(backing.Rdevice) == dev)
                {
                    Add(loop, current.Reach, $"a loop device backed by {node}");
                }
            }
            if (self is { Rdevice: not 0 } && BlockDevices.KernelName(BlockDevices.MajorMinorOf(self.Rdevice)) is { } backingDevice)
            {
                Add(backingDevice, current.Reach, $"the device behind loop device {node}");
            }
        }
        return [.. order.Select(name => found[name])];
    }
}
