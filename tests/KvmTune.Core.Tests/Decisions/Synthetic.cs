using KvmTune.Core.Measurement;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Core.Tests.Decisions;

/// <summary>Synthetic statistics for decision tests: a median and a symmetric 95% interval.</summary>
internal static class Synthetic
{
    public static Statistic Stat(double median, double halfWidth) =>
        new(median, median - halfWidth, median + halfWidth, halfWidth / median / 2, 5);

    public static SubjectResult QemuResult(string id, string profile, double iops, double halfWidth, int blockSize = 4096) =>
        new(Engine.Qemu, S(id), profile, Stat(iops, halfWidth), Stat(iops * blockSize / 1e6, halfWidth * blockSize / 1e6), null, null);

    /// <summary>A qemu result with an asymmetric IOPS interval.</summary>
    public static SubjectResult QemuResultWithin(string id, string profile, double iops, double low, double high)
    {
        var r = QemuResult(id, profile, iops, 0);
        return r with { Iops = r.Iops with { CiLow = low, CiHigh = high } };
    }

    public static SubjectResult HostResult(string backend, string profile, double iops, double halfWidth, int blockSize = 4096) =>
        new(Engine.Host, S(backend), profile, Stat(iops, halfWidth), Stat(iops * blockSize / 1e6, halfWidth * blockSize / 1e6), 90, 400);

    public static SubjectResult GuestResult(string id, string profile, double iops, bool tcg) =>
        new SubjectResult(Engine.Guest, S(id), profile, Stat(iops, iops / 20), Stat(iops * 4096 / 1e6, iops * 4096 / 1e6 / 20), 120, 900)
        {
            FunctionalOnly = tcg,
        };
}
