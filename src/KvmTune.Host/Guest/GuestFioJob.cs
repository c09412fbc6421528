using System.Globalization;
using System.Text;
using KvmTune.Core;
using KvmTune.Core.Measurement;

namespace KvmTune.Host.Guest;

/// <summary>Renders a workload profile as the fio job the micro-VM runs on its virtio disk.</summary>
public static class GuestFioJob
{
    public const string Device = "/dev/vda";

    /// <summary>
    /// The job text: libaio with O_DIRECT on /dev/vda (the guest's page cache stays out of the measurement, as
    /// a database or a filesystem with direct IO would), time-based for <paramref name="duration"/>.
    /// A user's job file (<see cref="WorkloadProfile.FioJobFile"/>) is kept, with its filename/directory
    /// options dropped so that every job runs on the disk under test.
    /// </summary>
    public static string Render(WorkloadProfile profile, TimeSpan duration)
    {
        var seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds));
        var s = new StringBuilder();
        s.Append("[global]\n");
        s.Append(CultureInfo.InvariantCulture, $"filename={Device}\n");
        s.Append("ioengine=libaio\n");
        s.Append("direct=1\n");
        s.Append("time_based=1\n");
        s.Append(CultureInfo.InvariantCulture, $"runtime={seconds}\n");
        s.Append("group_reporting=1\n");
        if (profile.FioJobFile is not null)
        {
            if (!File.Exists(profile.FioJobFile))
            {
                throw new InputException($"--fio-job '{profile.FioJobFile}': no such file");
            }
            foreach (var line in File.ReadAllLines(profile.FioJobFile))
            {
                var key = line.Split('=', 2)[0].Trim();
                s.Append(key is "filename" or "directory" or "filename_format" ? $"# kvmtune: dropped {line.Trim()}\n" : line + "\n");
            }
            return s.ToString();
        }
        s.Append(CultureInfo.InvariantCulture, $"[{profile.Name}]\n");
        s.Append(CultureInfo.InvariantCulture, $"rw={profile.ReadWrite}\n");
        s.Append(CultureInfo.InvariantCulture, $"bs={profile.BlockSize}\n");
        s.Append(CultureInfo.InvariantCulture, $"iodepth={profile.IoDepth}\n");
        if (profile.ReadWrite is "randrw" or "rw")
        {
            s.Append(CultureInfo.InvariantCulture, $"rwmixread={profile.ReadPercent}\n");
        }
        if (profile.SyncEveryWrite)
        {
            s.Append("fdatasync=1\n");
        }
        return s.ToString();
    }
}
