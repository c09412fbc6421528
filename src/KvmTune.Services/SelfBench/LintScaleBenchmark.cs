using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Diagnostics;

namespace KvmTune.Services.SelfBench;

/// <summary>One size of <c>kvmtune selfbench lint --scale</c>: parse and lint time and the process's peak memory.</summary>
/// <param name="Workload">What was linted (<c>1 domain, 100,000 disks</c>).</param>
/// <param name="Domains">Domains linted.</param>
/// <param name="Disks">Disks linted in all.</param>
/// <param name="InputBytes">Size of the XML text (all domains together when there are many).</param>
/// <param name="WallSeconds">Elapsed time of parse + lint.</param>
/// <param name="CpuSeconds">The benchmark thread's CPU time of parse + lint.</param>
/// <param name="MicrosecondsPerDisk">CPU time per disk: flat when the cost is linear in the input.</param>
/// <param name="PeakRssBytes">The process's peak resident memory during this size (VmHWM, reset before it).</param>
/// <param name="Findings">Findings lint reported.</param>
public sealed record LintScaleResult(string Workload, int Domains, long Disks, long InputBytes, double WallSeconds, double CpuSeconds,
    double MicrosecondsPerDisk, long PeakRssBytes, long Findings);

/// <summary>
/// Lint's cost as the input grows: one domain with 1,000, 10,000 and 100,000 disks (disk elements taken from libvirt's
/// test cases, each with its own target dev), then 10,000 domains of the corpus one after the other. Linear cost shows
/// as a flat time per disk; the peak resident memory is measured per size (Linux's VmHWM, reset before each size).
/// </summary>
public static partial class LintScaleBenchmark
{
    public static IReadOnlyList<int> DiskCounts { get; } = [1_000, 10_000, 100_000];

    public const int DomainCount = 10_000;

    public static IReadOnlyList<LintScaleResult> Run(IReadOnlyList<string> corpus, CorpusVariations variations, Action<LintScaleResult> progress, CancellationToken cancellationToken)
    {
        var disks = corpus.SelectMany(text => DiskElement().Matches(text).Select(m => m.Value)).ToList();
        if (disks.Count == 0)
        {
            throw new Core.InputException("the corpus has no <disk> element to build large domains from");
        }
        // Warm-up: JIT and first-use costs are not lint's.
        Measure("warm-up", [OneDomain(disks, 200)], cancellationToken);
        var results = new List<LintScaleResult>();
        foreach (var count in DiskCounts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(Measure(string.Create(CultureInfo.InvariantCulture, $"1 domain, {count:N0} disks"), [OneDomain(disks, count)], cancellationToken));
            progress(results[^1]);
        }
        results.Add(Measure(string.Create(CultureInfo.InvariantCulture, $"{DomainCount:N0} domains"),
            Enumerable.Range(0, DomainCount).Select(variations.Build), cancellationToken));
        progress(results[^1]);
        return results;
    }

    /// <summary>A domain with <paramref name="count"/> disks cycled from <paramref name="disks"/>, target devs vd0, vd1, ….</summary>
    public static string OneDomain(IReadOnlyList<string> disks, int count)
    {
        var text = new StringBuilder("<domain type='kvm'>\n  <name>scale</name>\n  <devices>\n");
        for (var i = 0; i < count; i++)
        {
            var disk = TargetDev().Replace(disks[i % disks.Count], string.Create(CultureInfo.InvariantCulture, $"<target dev='vd{i}'"), 1);
            text.Append("    ").Append(disk).Append('\n');
        }
        return text.Append("  </devices>\n</domain>\n").ToString();
    }

    private static LintScaleResult Measure(string workload, IEnumerable<string> texts, CancellationToken cancellationToken)
    {
        // Give the previous size's memory back to the system (an aggressive collection decommits it), then reset the peak.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        ResetPeakRss();
        long disks = 0, findings = 0, bytes = 0;
        var domains = 0;
        var wall = new Stopwatch();
        long cpu = 0;
        foreach (var text in texts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bytes += Encoding.UTF8.GetByteCount(text);
            var cpuStart = ThreadCpuClock.NowNanoseconds();
            wall.Start();
            var document = DomainDocument.Parse(text, "scale.xml");
            var result = DomainLinter.Lint(new DomainInput("scale.xml", document, "scale.xml"), HostFacts.Unknown);
            wall.Stop();
            cpu += ThreadCpuClock.NowNanoseconds() - cpuStart;
            disks += document.Disks.Count;
            findings += result.Findings.Count;
            domains++;
        }
        var cpuSeconds = cpu / 1e9;
        return new LintScaleResult(workload, domains, disks, bytes, wall.Elapsed.TotalSeconds, cpuSeconds,
            disks == 0 ? 0 : cpuSeconds * 1e6 / disks, PeakRss(), findings);
    }

    // Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) of the process (proc(5)).
    private static void ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without it the peak is the process's so far: still an upper bound.
        }
    }

    private static long PeakRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    [GeneratedRegex(@"<disk\b[^>]*[^/]>[\s\S]*?</disk>")]
    private static partial Regex DiskElement();

    [GeneratedRegex(@"<target dev=(?:'[^']*'|""[^""]*"")")]
    private static partial Regex TargetDev();
}
