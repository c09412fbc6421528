using KvmTune.Core.Apply;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using KvmTune.Reports.Model;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Reports.Tests;

/// <summary>
/// A fixed run for report tests: two profiles, host ceilings, qemu candidates (a winner, a tie, an excluded unsafe
/// mode, a harness-bound and a skipped one), guest results under TCG, and per-second samples of a cached mode.
/// </summary>
internal static class SyntheticRun
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);

    public static RunData Data { get; } = Build();

    public static ReportModel Model(AdvisorConstraints? constraints = null, int? vmsPerHost = 10)
    {
        var decision = Advisor.Decide(Data.Results, new HostFacts { QemuVersion = new Version(7, 2), LibvirtVersion = new Version(9, 0) }, constraints ?? AdvisorConstraints.Default);
        var recommendation = Recommendation.From(decision, new RecommendationOptions(Data.Info.Id, vmsPerHost));
        return ReportModel.Build(Data, decision, recommendation);
    }

    private static Statistic Stat(double median, double half, int n = 5) => new(median, median - half, median + half, half / median / 2, n);

    private static SubjectResult R(Engine engine, string id, string profile, double iops, double half, int bs, double? p50 = null, double? p99 = null) =>
        new(engine, S(id), profile, Stat(iops, half), Stat(iops * bs / 1e6, half * bs / 1e6), p50, p99);

    private static RunData Build()
    {
        const string rr = "randread-4k-qd32";
        const string rw = "randwrite-4k-qd32";
        List<SubjectResult> results =
        [
            R(Engine.Host, "raw-prealloc", rr, 110_000, 2_000, 4096, 280, 610),
            R(Engine.Host, "qcow2-sparse", rr, 108_000, 2_500, 4096, 290, 650),
            R(Engine.Qemu, "raw-prealloc/none/native", rr, 98_000, 2_000, 4096) with { RatioToHost = 98_000.0 / 110_000 },
            R(Engine.Qemu, "raw-prealloc/none/io_uring", rr, 95_500, 3_000, 4096) with { RatioToHost = 95_500.0 / 110_000 },
            R(Engine.Qemu, "raw-prealloc/none/threads", rr, 41_000, 1_200, 4096) with { RatioToHost = 41_000.0 / 110_000 },
            R(Engine.Qemu, "qcow2-sparse/none/native", rr, 71_000, 2_000, 4096) with { RatioToHost = 71_000.0 / 108_000 },
            R(Engine.Qemu, "raw-prealloc/unsafe/threads", rr, 690_000, 9_000, 4096) with { HarnessBound = true },
            R(Engine.Qemu, "raw-prealloc/writeback/native", rr, 0, 0, 4096) with { SkippedCode = "KT001", Iops = new Statistic(0, 0, 0, 0, 0), MBps = new Statistic(0, 0, 0, 0, 0) },
            R(Engine.Guest, "raw-prealloc/none/native", rr, 9_500, 400, 4096, 3_100, 8_900) with { FunctionalOnly = true },
            R(Engine.Qemu, "null-co", rr, 810_000, 12_000, 4096) with { HarnessBound = true },
            R(Engine.Host, "raw-prealloc", rw, 60_000, 1_500, 4096, 510, 1_300),
            R(Engine.Host, "qcow2-sparse", rw, 58_000, 1_500, 4096, 530, 1_400),
            R(Engine.Qemu, "null-co", rw, 150_000, 5_000, 4096) with { HarnessBound = true },
            R(Engine.Qemu, "raw-prealloc/none/native", rw, 52_000, 1_500, 4096) with { RatioToHost = 52_000.0 / 60_000 },
            R(Engine.Qemu, "raw-prealloc/writeback/threads", rw, 108_000, 6_000, 4096) with { RatioToHost = 108_000.0 / 60_000, BurstIops = 112_000, SustainedIops = 53_000 },
            R(Engine.Qemu, "raw-prealloc/unsafe/threads", rw, 180_000, 8_000, 4096) with { RatioToHost = 3.0 },
            R(Engine.Qemu, "qcow2-sparse/none/native", rw, 31_000, 1_000, 4096) with { RatioToHost = 31_000.0 / 58_000 },
        ];
        var samples = new List<Sample>();
        double[][] writeback = [[118_000, 117_000, 116_500, 90_000, 54_000, 53_000, 52_500, 53_200], [112_000, 111_000, 110_000, 88_000, 53_500, 53_000, 52_800, 52_900], [125_000, 121_000, 119_000, 95_000, 55_000, 54_000, 53_000, 54_100]];
        double[][] none = [[52_000, 51_800, 52_300, 52_100, 51_900, 52_000, 52_200, 51_700], [51_000, 51_200, 51_500, 51_300, 51_100, 51_000, 51_600, 51_400], [53_000, 52_800, 52_600, 52_900, 53_100, 52_700, 52_800, 53_000]];
        for (var repeat = 0; repeat < 3; repeat++)
        {
            samples.Add(new Sample(Engine.Qemu, S("raw-prealloc/writeback/threads"), rw, repeat, writeback[repeat].Average(), writeback[repeat].Average() * 4096 / 1e6,
                null, null, Start.AddSeconds(60 + 20 * repeat), 8, $"qemu-img bench repeat {repeat}")
            { PerSecondIops = writeback[repeat] });
            samples.Add(new Sample(Engine.Qemu, S("raw-prealloc/none/native"), rw, repeat, none[repeat].Average(), none[repeat].Average() * 4096 / 1e6,
                null, null, Start.AddSeconds(70 + 20 * repeat), 8, $"qemu-img bench repeat {repeat}")
            { PerSecondIops = none[repeat] });
        }
        KeyValuePair<string, string>[] facts =
        [
            new(HostFactKeys.Hostname, "kvm-host-1"),
            new(HostFactKeys.Kernel, "6.1.0-27-amd64"),
            new(HostFactKeys.QemuVersion, "7.2.0"),
            new(HostFactKeys.LibvirtVersion, "9.0.0"),
            new(HostFactKeys.FioVersion, "fio-3.33"),
            new(HostFactKeys.Accelerator, "tcg"),
            new(HostFactKeys.ODirect, "yes"),
            new(HostFactKeys.StorageDevice, "/dev/vda"),
            new(HostFactKeys.StorageRotational, "0"),
        ];
        var info = new RunInfo(42, Start, Start.AddSeconds(187), "kvmtune tune", "completed", RunSettings.Empty);
        return new RunData(info, facts, samples, results);
    }
}
