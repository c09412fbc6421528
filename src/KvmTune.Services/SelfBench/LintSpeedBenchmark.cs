using System.Diagnostics;
using System.Globalization;
using KvmTune.Core;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Diagnostics;

namespace KvmTune.Services.SelfBench;

/// <summary>One measured run of the lint speed benchmark.</summary>
public sealed record LintSpeedRun(int Domains, int Findings, double WallSeconds, double CpuSeconds, double ParseSeconds, double RuleSeconds, long WorkingSetAt1kBytes, long WorkingSetAtEndBytes)
{
    /// <summary>Domains per second of the thread's own CPU time: the speed of one core, whatever the host's load.</summary>
    public double DomainsPerSecond => Domains / CpuSeconds;

    /// <summary>Domains per second of elapsed time (lower than <see cref="DomainsPerSecond"/> when the core is shared).</summary>
    public double WallDomainsPerSecond => Domains / WallSeconds;

    /// <summary>Share of the measured time spent in DomainDocument.Parse.</summary>
    public double ParseShare => ParseSeconds / (ParseSeconds + RuleSeconds);
}

/// <summary>The lint speed benchmark's result: every run, the median by CPU time, the peak working set.</summary>
public sealed record LintSpeedReport(int Domains, int CorpusCases, int? PinnedCpu, IReadOnlyList<LintSpeedRun> Runs, long PeakWorkingSetBytes)
{
    public string Benchmark { get; init; } = "lint";

    /// <summary>The run with the median speed of one core's CPU time.</summary>
    public LintSpeedRun Median => Runs.OrderBy(r => r.DomainsPerSecond).ElementAt(Runs.Count / 2);
}

/// <summary>How lint grows with its input: one row per size.</summary>
public sealed record LintScaleReport(int? PinnedCpu, IReadOnlyList<LintScaleResult> Sizes)
{
    public string Benchmark { get; init; } = "lint_scale";
}

/// <summary>
/// KvmTune's own lint speed (<c>kvmtune selfbench lint</c>): builds N domain XMLs from libvirt's disk test cases,
/// parses and lints them on one thread pinned to one core, and measures domains per second of that thread's CPU time
/// (several runs after a warm-up), the share of parsing and the working set after 1,000 domains and at the end.
/// </summary>
public static class LintSpeedBenchmark
{
    /// <summary>The corpus beside the repository (<c>../shared/corpus/libvirt</c>), or null when there is none.</summary>
    public static string? DefaultCorpus()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "KvmTune.slnx")))
                {
                    var corpus = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus", "libvirt"));
                    return Directory.Exists(corpus) ? corpus : null;
                }
            }
        }
        return null;
    }

    /// <summary>Loads the corpus (<paramref name="corpus"/> or the default one).</summary>
    /// <exception cref="InputException">No corpus, or not a directory of domain XMLs.</exception>
    public static CorpusVariations Load(string? corpus)
    {
        var directory = corpus ?? DefaultCorpus() ?? throw new InputException("no corpus: pass --corpus DIR (libvirt domain XMLs)");
        if (!Directory.Exists(directory))
        {
            throw new InputException($"{directory}: no such directory");
        }
        return CorpusVariations.Load(directory);
    }

    /// <summary>Writes <paramref name="count"/> domains as DIRECTORY/domain-NNNNN.xml, into a new directory only.</summary>
    /// <exception cref="InputException">The directory already exists (never overwrite files that may be someone's).</exception>
    public static void Emit(CorpusVariations variations, int count, string directory)
    {
        ArgumentNullException.ThrowIfNull(variations);
        if (Directory.Exists(directory) || File.Exists(directory))
        {
            throw new InputException($"{directory}: already exists; --emit writes into a new directory");
        }
        Directory.CreateDirectory(directory);
        for (var i = 0; i < count; i++)
        {
            File.WriteAllText(Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"domain-{i:D5}.xml")), variations.Build(i));
        }
    }

    /// <summary>A warm-up run, then <paramref name="runs"/> measured runs of <paramref name="count"/> domains each.</summary>
    public static LintSpeedReport Measure(CorpusVariations variations, int count, int runs, bool pin, Action<int, LintSpeedRun> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(variations);
        ArgumentNullException.ThrowIfNull(progress);
        return Pinned(pin, cpu =>
        {
            // Warm-up, one full run: JIT tiering and first-use costs are not lint speed.
            Run(variations, count, cancellationToken);
            var measured = new List<LintSpeedRun>();
            for (var r = 0; r < runs; r++)
            {
                measured.Add(Run(variations, count, cancellationToken));
                progress(r + 1, measured[^1]);
            }
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            return new LintSpeedReport(count, variations.CaseCount, cpu, measured, process.PeakWorkingSet64);
        });
    }

    /// <summary>One domain with 1,000, 10,000 and 100,000 disks, then 10,000 domains: time and peak memory per size.</summary>
    public static LintScaleReport MeasureScale(CorpusVariations variations, bool pin, Action<LintScaleResult> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(variations);
        return Pinned(pin, cpu => new LintScaleReport(cpu, LintScaleBenchmark.Run(variations.Cases, variations, progress, cancellationToken)));
    }

    private static T Pinned<T>(bool pin, Func<int?, T> measure)
    {
        using var process = Process.GetCurrentProcess();
        var affinity = process.ProcessorAffinity;
        var cpu = pin ? PinToOneCore() : null;
        try
        {
            return measure(cpu);
        }
        finally
        {
            if (cpu is not null)
            {
                process.ProcessorAffinity = affinity;
            }
        }
    }

    private static LintSpeedRun Run(CorpusVariations variations, int count, CancellationToken cancellationToken)
    {
        // Texts are built in batches outside the measured time; only parse + lint is measured.
        const int Batch = 1_000;
        var texts = new string[Math.Min(Batch, count)];
        long parseTicks = 0, ruleTicks = 0, cpuNanoseconds = 0;
        var findings = 0;
        long at1k = 0;
        using var process = Process.GetCurrentProcess();
        var wall = new Stopwatch();
        var timer = new Stopwatch();
        for (var start = 0; start < count; start += Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = Math.Min(Batch, count - start);
            for (var j = 0; j < n; j++)
            {
                texts[j] = variations.Build(start + j);
            }
            var cpuStart = ThreadCpuClock.NowNanoseconds();
            wall.Start();
            for (var j = 0; j < n; j++)
            {
                const string Label = "bench.xml";
                timer.Restart();
                var document = DomainDocument.Parse(texts[j], Label);
                var parsed = timer.ElapsedTicks;
                var result = DomainLinter.Lint(new DomainInput(Label, document, Label), HostFacts.Unknown);
                var linted = timer.ElapsedTicks;
                parseTicks += parsed;
                ruleTicks += linted - parsed;
                findings += result.Findings.Count;
            }
            wall.Stop();
            cpuNanoseconds += ThreadCpuClock.NowNanoseconds() - cpuStart;
            if (start + n == Batch)
            {
                process.Refresh();
                at1k = process.WorkingSet64;
            }
        }
        process.Refresh();
        return new LintSpeedRun(count, findings, wall.Elapsed.TotalSeconds, cpuNanoseconds / 1e9,
            (double)parseTicks / Stopwatch.Frequency, (double)ruleTicks / Stopwatch.Frequency, at1k, process.WorkingSet64);
    }

    // One core: the benchmark thread and the runtime's helper threads (GC) share the lowest CPU this process may use.
    private static int? PinToOneCore()
    {
        using var process = Process.GetCurrentProcess();
        var mask = (long)process.ProcessorAffinity;
        for (var cpu = 0; cpu < 64; cpu++)
        {
            if ((mask & (1L << cpu)) != 0)
            {
                process.ProcessorAffinity = checked((nint)(1L << cpu));
                return cpu;
            }
        }
        return null;
    }
}
